# The anti-join an operations person writes: keep the rows of a ';' prospect
# file none of whose phone numbers is in the do-not-call list.
# Numbers are compared as their 9 French national digits: keep the digits,
# strip a leading 0033 or 33 (when 11+ digits remain), then one 0.
# usage: awk -v out=clean.csv -f antijoin.awk bloctel.txt prospects.csv
function norm(s) {
	gsub(/[^0-9]/, "", s)
	if (substr(s, 1, 4) == "0033") s = substr(s, 5)
	else if (substr(s, 1, 2) == "33" && length(s) >= 11) s = substr(s, 3)
	if (substr(s, 1, 1) == "0") s = substr(s, 2)
	if (length(s) != 9 || substr(s, 1, 1) == "0") return ""
	return s
}
BEGIN { FS = ";" }
NR == FNR { k = norm($0); if (k != "") dnc[k] = 1; next }
FNR == 1 {
	for (i = 1; i <= NF; i++) if ($i ~ /^(Tél\. fixe|Portable)/) cols[++nc] = i
	print > out
	next
}
{
	ok = 0; hit = 0
	for (c = 1; c <= nc; c++) {
		k = norm($(cols[c]))
		if (k == "") continue
		ok = 1
		if (k in dnc) { hit = 1; break }
	}
	if (ok && !hit) { print > out; kept++ }
}
END { print kept + 0 }
