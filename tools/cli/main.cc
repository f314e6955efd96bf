// longtake: the command-line client. Parses commands and prints results;
// every RPC goes through longtake::client (clients/cpp). See docs/cli.md and
// tools/cli/command.h for the command table.
//
// Exit codes: 0 ok, 1 the server said no or could not be reached, 2 usage.

#include "tools/cli/command.h"

int main(int argc, char** argv) { return longtake::cli::RunCli(argc, argv); }
