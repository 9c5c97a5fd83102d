module libaxq.dev/go/axq/examples

go 1.19

require libaxq.dev/go/axq v0.0.0

replace libaxq.dev/go/axq => ../../bindings/go
