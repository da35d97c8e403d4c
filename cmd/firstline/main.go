// Command firstline is a chatbot-first customer-support engine: it answers
// typical questions from a YAML knowledge base and escalates the rest into
// tickets for human agents.
//
// Usage:
//
//	firstline serve     run the server: web chat, channels, tickets API
//	firstline chat      talk to the bot in the terminal
//	firstline validate  check the intents YAML
//	firstline test      run the test cases kept in the intents YAML
//	firstline learn     add an example or an intent to the intents YAML, checked and recorded
//	firstline migrate   apply database migrations and exit
//	firstline user      manage the accounts of agents, admins and analysts
//	firstline whatsapp  link a WhatsApp account, show its status, unlink it
//	firstline report    support figures of a date range, from analytics events
//	firstline customer  erase a customer's personal data
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	// The time zones of business_hours must load on machines without a
	// zone database.
	_ "time/tzdata"

	"github.com/gin-gonic/gin"
)

const usage = `firstline: a chatbot-first customer-support engine

Usage:
  firstline serve     [--config FILE] [--intents DIR] [--data DIR] [--addr HOST:PORT]
  firstline chat      [--config FILE] [--intents DIR]
  firstline validate  [--config FILE] [--intents DIR] [--advice=false]
  firstline test      [--config FILE] [--intents DIR] [--advice=false]
  firstline learn     add-example|new-intent|history  (see "firstline learn help")
  firstline migrate   [--config FILE] [--data DIR]
  firstline loadtest  [--url URL] [--customers N] [--messages N]
  firstline user      add|list|disable|enable|passwd|token  (see "firstline user help")
  firstline whatsapp  pair|status|logout  (see "firstline whatsapp help")
  firstline customer  erase --channel C --chat ID | --conversation N  (personal data)
  firstline incident  open|update|close|list  (outages and planned works; see "firstline incident help")
  firstline export    [--config FILE] [--data DIR] [--out FILE]   (all data, to move stores)
  firstline import    [--config FILE] [--data DIR] --in FILE      (into an empty store)
  firstline eval      --data FILE.jsonl [--lang auto|ru|en] [--holdout-intents 0.25 --seed 1] [--folds 5] [--json]
  firstline eval      --data FILE.jsonl --shots 5,10,0 [--lang auto|ru|en] [--seed 1] [--seeds 3] [--json]
  firstline report    --from YYYY-MM-DD --to YYYY-MM-DD [--format table|csv|json]
                      [--channel C] [--lang L] [--intent I] [--queue Q] [--agent A]

Every flag has an environment variable: FIRSTLINE_CONFIG, FIRSTLINE_INTENTS,
FIRSTLINE_DATA, FIRSTLINE_ADDR. Flags win over the environment, the
environment over the config file. Run "firstline COMMAND -h" for details.

When there is no enabled admin, "serve" creates the user "admin" with the
password in FIRSTLINE_ADMIN_PASSWORD, or with a generated one it prints once.
`

// env is how commands reach the outside world, so tests can run them in
// process.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

func main() {
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(run(context.Background(), os.Args[1:], e))
}

// run executes one command and returns the process exit code: 0 on
// success, 1 when the command failed, 2 on a usage error.
func run(ctx context.Context, args []string, e env) int {
	gin.SetMode(gin.ReleaseMode) // no debug banner on the console
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return 2
	}
	commands := map[string]func(context.Context, []string, env) error{
		"serve":    cmdServe,
		"chat":     cmdChat,
		"validate": cmdValidate,
		"test":     cmdTest,
		"learn":    cmdLearn,
		"migrate":  cmdMigrate,
		"loadtest": cmdLoadtest,
		"user":     cmdUser,
		"whatsapp": cmdWhatsapp,
		"export":   cmdExport,
		"import":   cmdImport,
		"eval":     cmdEval,
		"report":   cmdReport,
		"customer": cmdCustomer,
		"incident": cmdIncident,
	}
	cmd, ok := commands[args[0]]
	if !ok {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			fmt.Fprint(e.stdout, usage)
			return 0
		}
		fmt.Fprintf(e.stderr, "firstline: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, args[1:], e)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(e.stderr, "firstline %s: %v\n", args[0], err)
		return 2
	}
	fmt.Fprintf(e.stderr, "firstline %s: %v\n", args[0], err)
	return 1
}

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

// newFlagSet returns a flag set whose errors are returned, not fatal.
func newFlagSet(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("firstline "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// newLogger builds the process's logger: text to stderr, or JSON with
// FIRSTLINE_LOG_FORMAT=json; FIRSTLINE_LOG_LEVEL=debug|info|warn|error.
func newLogger(e env) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(first(e.getenv("FIRSTLINE_LOG_LEVEL"), "info"))); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if e.getenv("FIRSTLINE_LOG_FORMAT") == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}
