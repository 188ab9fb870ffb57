package registry

import "syscall"

const mapPopulate = syscall.MAP_POPULATE
