//go:build !unix

package main

func raiseFileLimit() uint64 { return 0 }
