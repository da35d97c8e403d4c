package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

const userUsage = `Usage:
  firstline user add --name NAME --role agent|admin|analyst [--queues a,b] [--password-stdin]
  firstline user list
  firstline user disable NAME
  firstline user enable NAME
  firstline user passwd NAME [--password-stdin] [--keep-tokens]
  firstline user queues NAME [--queues a,b]
  firstline user token NAME [--name TOKEN_NAME]
  firstline user tokens NAME
  firstline user revoke-token NAME ID|TOKEN_NAME
  firstline user revoke-token NAME --all

Every subcommand also takes --config FILE and --data DIR, after NAME.
Without --password-stdin the password is asked for twice on the terminal.
"passwd" ends the user's sessions and revokes its API tokens, unless
--keep-tokens; "disable" does both too, and "enable" brings neither back.
An agent sees and works the tickets of their queues only; "queues" sets
them, and without --queues gives the agent every queue.
"token" prints a new API token for the user, to send as
"Authorization: Bearer TOKEN"; it is shown once. "tokens" lists the
user's tokens with their ids; "revoke-token" revokes one, by id or name.
`

func cmdUser(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, userUsage)
		return usageError{errors.New("missing subcommand")}
	}
	subcommands := map[string]func(context.Context, []string, env) error{
		"add":          cmdUserAdd,
		"list":         cmdUserList,
		"disable":      cmdUserDisable,
		"enable":       cmdUserEnable,
		"passwd":       cmdUserPasswd,
		"queues":       cmdUserQueues,
		"token":        cmdUserToken,
		"tokens":       cmdUserTokens,
		"revoke-token": cmdUserRevokeToken,
	}
	sub, ok := subcommands[args[0]]
	if !ok {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			fmt.Fprint(e.stdout, userUsage)
			return nil
		}
		fmt.Fprint(e.stderr, userUsage)
		return usageError{fmt.Errorf("unknown subcommand %q", args[0])}
	}
	return sub(ctx, args[1:], e)
}

func cmdUserAdd(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("user add", e)
	name := fs.String("name", "", "login `name`: letters, digits, '.', '_' and '-'")
	role := fs.String("role", "", "`role`: agent, admin or analyst")
	queueList := fs.String("queues", "", "comma-separated `queues` the user works (default: every queue)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	s, err := parseSettings(fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	// Everything that can be checked is checked before asking for the
	// password.
	if *name == "" {
		return usageError{errors.New("--name is required")}
	}
	if err := auth.CheckName(*name); err != nil {
		return usageError{errors.New(dialog.ErrorMessage(err))}
	}
	if !dialog.Role(*role).Valid() {
		return usageError{fmt.Errorf("--role must be agent, admin or analyst")}
	}
	queues, err := parseQueues(*queueList, s.Tickets.Queues)
	if err != nil {
		return usageError{err}
	}
	password, err := readPassword(e, *fromStdin)
	if err != nil {
		return err
	}

	users, store, err := openUsers(ctx, s, e)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := users.CreateUser(ctx, *name, dialog.Role(*role), password)
	if err != nil {
		return err
	}
	if len(queues) > 0 {
		if err := users.SetQueues(ctx, u.Name, queues); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "created user %q (%s)\n", u.Name, u.Role)
	return nil
}

// parseQueues splits a comma-separated list of queues and checks each is
// one of the configured ones.
func parseQueues(list string, known []string) ([]string, error) {
	var queues []string
	for q := range strings.SplitSeq(list, ",") {
		q = strings.TrimSpace(q)
		if q == "" {
			continue
		}
		if !slices.Contains(known, q) {
			return nil, fmt.Errorf("--queues: %q is not a queue; the queues are %s (tickets.queues in the config)",
				q, strings.Join(known, ", "))
		}
		queues = append(queues, q)
	}
	return queues, nil
}

func cmdUserList(ctx context.Context, args []string, e env) error {
	s, err := parseSettings(newFlagSet("user list", e), args, flagData, e.getenv)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, s, quietLogger(e))
	if err != nil {
		return err
	}
	defer store.Close()
	list, err := store.Users(ctx)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "no users")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tQUEUES\tDISABLED\tLAST SEEN")
	for _, u := range list {
		queues := "all"
		if len(u.Queues) > 0 {
			queues = strings.Join(u.Queues, ",")
		}
		disabled := "no"
		if u.Disabled {
			disabled = "yes"
		}
		seen := "never"
		if !u.LastSeenAt.IsZero() {
			seen = u.LastSeenAt.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, queues, disabled, seen)
	}
	return tw.Flush()
}

func cmdUserDisable(ctx context.Context, args []string, e env) error {
	return withUser(ctx, "disable", args, e, nil, func(users *auth.Service, store dialog.Store, name string) error {
		if err := users.Disable(ctx, name); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "disabled user %q, ended its sessions and revoked its API tokens\n", name)
		return nil
	})
}

func cmdUserEnable(ctx context.Context, args []string, e env) error {
	return withUser(ctx, "enable", args, e, nil, func(users *auth.Service, store dialog.Store, name string) error {
		if err := users.Enable(ctx, name); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "enabled user %q\n", name)
		return nil
	})
}

func cmdUserPasswd(ctx context.Context, args []string, e env) error {
	var fromStdin, keepTokens *bool
	define := func(fs *flag.FlagSet) {
		fromStdin = fs.Bool("password-stdin", false, "read the password from the first line of stdin")
		keepTokens = fs.Bool("keep-tokens", false, "leave the user's API tokens working (they are revoked by default)")
	}
	return withUser(ctx, "passwd", args, e, define, func(users *auth.Service, store dialog.Store, name string) error {
		// Fail on an unknown name before asking for a password.
		if _, err := store.UserByName(ctx, name); dialog.ErrorCode(err) == dialog.ENOTFOUND {
			return fmt.Errorf("no user %q", name)
		} else if err != nil {
			return err
		}
		password, err := readPassword(e, *fromStdin)
		if err != nil {
			return err
		}
		if *keepTokens {
			if err := users.SetPasswordKeepTokens(ctx, name, password); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "changed the password of %q and ended its sessions; its API tokens still work\n", name)
			return nil
		}
		if err := users.SetPassword(ctx, name, password); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "changed the password of %q, ended its sessions and revoked its API tokens\n", name)
		return nil
	})
}

// cmdUserQueues sets the queues a user works. Unlike withUser's
// subcommands it needs the settings: the configured queues to check
// against.
func cmdUserQueues(ctx context.Context, args []string, e env) error {
	var list *string
	name, s, err := userArgs("queues", args, e, func(fs *flag.FlagSet) {
		list = fs.String("queues", "", "comma-separated `queues` the user works (default: every queue)")
	})
	if err != nil {
		return err
	}
	queues, err := parseQueues(*list, s.Tickets.Queues)
	if err != nil {
		return usageError{err}
	}
	users, store, err := openUsers(ctx, s, e)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := users.SetQueues(ctx, name, queues); err != nil {
		return err
	}
	if len(queues) == 0 {
		fmt.Fprintf(e.stdout, "user %q works every queue\n", name)
	} else {
		fmt.Fprintf(e.stdout, "user %q works %s\n", name, strings.Join(queues, ", "))
	}
	return nil
}

func cmdUserToken(ctx context.Context, args []string, e env) error {
	var tokenName *string
	define := func(fs *flag.FlagSet) {
		tokenName = fs.String("name", "", "a `name` for the token, unique among the user's tokens, to revoke it by")
	}
	return withUser(ctx, "token", args, e, define, func(users *auth.Service, store dialog.Store, name string) error {
		token, err := users.CreateAPIToken(ctx, name, *tokenName)
		if err != nil {
			return err
		}
		// Only the token, so that scripts can capture it.
		fmt.Fprintln(e.stdout, token)
		return nil
	})
}

func cmdUserTokens(ctx context.Context, args []string, e env) error {
	return withUser(ctx, "tokens", args, e, nil, func(users *auth.Service, store dialog.Store, name string) error {
		list, err := users.APITokens(ctx, name)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintf(e.stdout, "%q has no API tokens\n", name)
			return nil
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED")
		for _, tk := range list {
			used := "never"
			if !tk.LastUsedAt.IsZero() {
				used = tk.LastUsedAt.Local().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", tk.ID, first(tk.Name, "-"), tk.CreatedAt.Local().Format("2006-01-02 15:04"), used)
		}
		return tw.Flush()
	})
}

func cmdUserRevokeToken(ctx context.Context, args []string, e env) error {
	// "revoke-token NAME TOKEN [flags]": take TOKEN out before the flags
	// are parsed, as withUser does with NAME.
	var which string
	if len(args) > 1 && !strings.HasPrefix(args[0], "-") && !strings.HasPrefix(args[1], "-") {
		which, args = args[1], append([]string{args[0]}, args[2:]...)
	}
	var all *bool
	define := func(fs *flag.FlagSet) {
		all = fs.Bool("all", false, "revoke every API token of the user")
	}
	return withUser(ctx, "revoke-token", args, e, define, func(users *auth.Service, store dialog.Store, name string) error {
		switch {
		case *all && which != "":
			return usageError{errors.New("give a token or --all, not both")}
		case *all:
			n, err := users.RevokeAPITokens(ctx, name)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "revoked %d API tokens of %q\n", n, name)
			return nil
		case which == "":
			return usageError{fmt.Errorf("missing the token: firstline user revoke-token %s ID|TOKEN_NAME (see firstline user tokens %s), or --all", name, name)}
		}
		if err := users.RevokeAPIToken(ctx, name, which); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked API token %s of %q\n", which, name)
		return nil
	})
}

// withUser runs a subcommand that names one user, as in
// "firstline user disable NAME [--data DIR]": NAME comes first because the
// flag package stops at the first argument that is not a flag. define, when
// not nil, adds the subcommand's own flags.
func withUser(ctx context.Context, sub string, args []string, e env, define func(*flag.FlagSet),
	fn func(users *auth.Service, store dialog.Store, name string) error) error {
	name, s, err := userArgs(sub, args, e, define)
	if err != nil {
		return err
	}
	users, store, err := openUsers(ctx, s, e)
	if err != nil {
		return err
	}
	defer store.Close()
	return fn(users, store, name)
}

// openUsers opens the store in s.DataDir and the accounts service over it.
// The caller closes the store.
func openUsers(ctx context.Context, s *settings, e env) (*auth.Service, dialog.Store, error) {
	log := quietLogger(e)
	store, err := openStore(ctx, s, log)
	if err != nil {
		return nil, nil, err
	}
	// Sessions are not started here, so the session settings do not matter.
	opts := auth.Options{}
	if db, ok := store.(*postgres.DB); ok {
		// The servers hear through the database that a user was disabled
		// or a token revoked, and end live views at once. On SQLite they
		// find out by checking every few seconds.
		opts.Publisher = notifyNow{ctx: ctx, db: db, log: log}
	}
	return auth.New(store, opts, log), store, nil
}

// notifyNow publishes events through PostgreSQL to every running server.
// Unlike most publishers it waits until the event is sent (a few seconds
// at most), which a command can afford; a failure is logged, since the
// servers find out by themselves a little later.
type notifyNow struct {
	ctx context.Context
	db  *postgres.DB
	log *slog.Logger
}

// Publish implements dialog.Publisher.
func (n notifyNow) Publish(e dialog.Event) {
	if err := n.db.Notify(n.ctx, e); err != nil {
		n.log.Warn("cannot tell the servers at once; they will notice within seconds", "err", err)
	}
}

// quietLogger logs warnings and errors only, unless FIRSTLINE_LOG_LEVEL
// says otherwise: the user commands print their own results.
func quietLogger(e env) *slog.Logger {
	return newLogger(env{stderr: e.stderr, getenv: func(k string) string {
		if k == "FIRSTLINE_LOG_LEVEL" {
			return first(e.getenv(k), "warn")
		}
		return e.getenv(k)
	}})
}

// readPassword reads a new password: the first line of stdin with
// --password-stdin, otherwise typed twice on the terminal without echo.
func readPassword(e env, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read the password from stdin: %w", err)
		}
		password := strings.TrimRight(line, "\r\n")
		if password == "" {
			return "", errors.New("no password on the first line of stdin")
		}
		return password, nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", usageError{errors.New("stdin is not a terminal: pass the password on the first line of stdin with --password-stdin")}
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(e.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr) // the Enter that was not echoed
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		return string(b), nil
	}
	password, err := ask("Password: ")
	if err != nil {
		return "", err
	}
	again, err := ask("Repeat the password: ")
	if err != nil {
		return "", err
	}
	if password != again {
		return "", errors.New("the passwords do not match")
	}
	return password, nil
}

// ensureAdmin makes sure the server starts with an enabled admin: when
// there is none it creates "admin" with FIRSTLINE_ADMIN_PASSWORD, or with a
// generated password printed here once.
func ensureAdmin(ctx context.Context, users *auth.Service, e env) error {
	created, generated, err := users.EnsureAdmin(ctx, e.getenv("FIRSTLINE_ADMIN_PASSWORD"))
	if err != nil {
		return err
	}
	if created && generated != "" {
		fmt.Fprintf(e.stderr, "created user %q with password %s (shown once; change it with: firstline user passwd %s)\n",
			auth.AdminName, generated, auth.AdminName)
	}
	return nil
}

// userArgs parses the arguments of a subcommand that names one user:
// NAME first, then the flags define adds (when not nil) and the common
// ones.
func userArgs(sub string, args []string, e env, define func(*flag.FlagSet)) (string, *settings, error) {
	fs := newFlagSet("user "+sub, e)
	if define != nil {
		define(fs)
	}
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	s, err := parseSettings(fs, args, flagData, e.getenv)
	if err != nil {
		return "", nil, err
	}
	if name == "" {
		return "", nil, usageError{fmt.Errorf("missing the user's name: firstline user %s NAME", sub)}
	}
	return name, s, nil
}
