module github.com/listscrub/listscrub/bench

go 1.26.8

require github.com/listscrub/listscrub v0.0.0

require (
	github.com/nyaruka/phonenumbers v1.8.1 // indirect
	golang.org/x/text v0.43.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)

replace github.com/listscrub/listscrub => ../
