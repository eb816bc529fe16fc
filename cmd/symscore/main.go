// Command symscore runs the symscore server and its client commands.
package main

func main() {}
