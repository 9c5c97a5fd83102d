module libaxq.dev/go/axq

go 1.19
