package intents

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadCanned(t *testing.T) {
	s, err := Load("testdata/valid")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(s.Canned) != 1 {
		t.Fatalf("%d canned replies, want 1", len(s.Canned))
	}
	c := s.Canned[0]
	if c.Shortcut != "hello" || c.TitleFor(LangEN) != "Greeting" || c.Pos != (Pos{File: "testdata/valid/canned.yaml", Line: 3}) {
		t.Errorf("canned = %+v", c)
	}
	vars := Vars{"first_name": "Анна", "agent": "Ольга", "ticket": "FL-000007"}
	if got, want := c.Render(LangRU, vars), "Здравствуйте, Анна! Меня зовут Ольга, обращение FL-000007."; got != want {
		t.Errorf("ru = %q, want %q", got, want)
	}
	if got := c.Render("de", vars); !strings.HasPrefix(got, "Здравствуйте") {
		t.Errorf("a language the reply lacks falls back to another: %q", got)
	}
}

func TestLoadValid(t *testing.T) {
	s, err := Load("testdata/valid")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	login := "testdata/valid/account/login.yaml"
	billing := "testdata/valid/billing.yml"
	messages := "testdata/valid/messages.yaml"
	canned := "testdata/valid/canned.yaml"
	if want := []string{login, billing, canned, messages}; !reflect.DeepEqual(s.Files, want) {
		t.Errorf("Files = %q, want %q (hidden files and other extensions skipped)", s.Files, want)
	}

	no, yes := false, true
	want := []*Intent{
		{
			ID:          "reset_password",
			Title:       Text{LangRU: "Сброс пароля", LangEN: "Password reset"},
			Description: "The customer cannot log in and wants a new password",
			Examples: map[string][]string{
				LangRU: {"забыл пароль", "как сбросить пароль от личного кабинета"},
				LangEN: {"I forgot my password", "how do I reset my password"},
			},
			Answer: Text{
				LangRU: "Чтобы сбросить пароль, нажмите «Забыли пароль?», {{.first_name}}.",
				LangEN: "To reset your password, click \"Forgot password?\", {{.first_name}}.",
			},
			Buttons: map[string][]string{
				LangRU: {"Не приходит письмо"},
				LangEN: {"The e-mail does not arrive"},
			},
			Feedback:  &no,
			Priority:  PriorityHigh,
			Queue:     "second_line",
			Threshold: 0.6,
			Pos:       Pos{File: login, Line: 3},
		},
		{
			ID:       "change_email",
			Examples: map[string][]string{LangEN: {"change my e-mail", "update the email address on my account"}},
			Answer:   Text{LangEN: "Open Settings, then Profile, and enter the new address.\n"},
			Pos:      Pos{File: login, Line: 20},
		},
		{
			ID:       "refund",
			Title:    Text{LangRU: "Возврат денег"},
			Examples: map[string][]string{LangRU: {"верните деньги", "хочу вернуть оплату"}},
			Answer:   Text{},
			Escalate: true,
			Priority: PriorityUrgent,
			Pos:      Pos{File: billing, Line: 2},
		},
		{
			ID:       "invoice",
			Examples: map[string][]string{LangRU: {"нужен счёт для бухгалтерии"}, LangEN: {"I need an invoice"}},
			Answer: Text{
				LangRU: "Счёт можно скачать в разделе «Оплата».",
				LangEN: "You can download the invoice under Billing.",
			},
			Feedback: &yes,
			Pos:      Pos{File: billing, Line: 9},
		},
	}
	if len(s.Intents) != len(want) {
		t.Fatalf("got %d intents %v, want %d", len(s.Intents), s.IDs(), len(want))
	}
	for i, w := range want {
		got := *s.Intents[i]
		if len(got.Templates) != len(got.Answer) {
			t.Errorf("%s: %d templates for %d answers", got.ID, len(got.Templates), len(got.Answer))
		}
		got.Templates = nil
		if !reflect.DeepEqual(&got, w) {
			t.Errorf("intent %d:\n got %+v\nwant %+v", i, got, *w)
		}
		if s.Intent(w.ID) != s.Intents[i] {
			t.Errorf("Intent(%q) does not return the loaded intent", w.ID)
		}
	}

	rendered := s.Intent("reset_password").Templates[LangEN].Render(Vars{"first_name": "Ann"})
	if want := `To reset your password, click "Forgot password?", Ann.`; rendered != want {
		t.Errorf("answer rendered %q, want %q", rendered, want)
	}

	msgTests := []struct {
		name, lang, want string
	}{
		{MsgEscalated, LangRU, "Передал вопрос специалисту, номер обращения FL-000042."},
		{MsgEscalated, LangEN, "I passed your question to a specialist, ticket FL-000042."},
		{MsgButtonYes, LangEN, "Yes, thanks"},
		{MsgButtonYes, LangRU, DefaultMessages[MsgButtonYes][LangRU]}, // only en was overridden
		{MsgGreeting, LangRU, DefaultMessages[MsgGreeting][LangRU]},
	}
	for _, tt := range msgTests {
		if got := s.Messages.Render(tt.name, tt.lang, Vars{"ticket": "FL-000042"}); got != tt.want {
			t.Errorf("message %s/%s = %q, want %q", tt.name, tt.lang, got, tt.want)
		}
	}

	if want := (Text{LangRU: "Поддержка «Акме»", LangEN: "Acme support"}); !reflect.DeepEqual(s.Brand, want) {
		t.Errorf("Brand = %q, want %q", s.Brand, want)
	}

	wantTests := []TestCase{
		{Message: "Забыл пароль!", Expect: "reset_password", Pos: Pos{File: billing, Line: 19}},
		{Message: "qwerty zxcv", Expect: ExpectEscalate, Lang: LangEN, Pos: Pos{File: billing, Line: 21}},
		{Message: "where is my invoice", Expect: "invoice", Pos: Pos{File: messages, Line: 8}},
	}
	if !reflect.DeepEqual(s.Tests, wantTests) {
		t.Errorf("Tests:\n got %+v\nwant %+v", s.Tests, wantTests)
	}
}

// TestLoadProblems loads one directory per kind of problem and expects
// exactly that problem, at that place.
func TestLoadProblems(t *testing.T) {
	tests := []struct {
		dir  string // under testdata/problems
		at   string // file:line within dir, or "" for the directory itself
		want string // part of the message
	}{
		{"syntax", "intents.yaml:4", "YAML syntax error: found character that cannot start any token"},
		{"syntax_first_line", "intents.yaml:1", "YAML syntax error: found character that cannot start any token"},
		{"syntax_bad_utf8", "intents.yaml:3", "YAML syntax error: invalid leading UTF-8 octet"},
		// yaml.v3 names the line where it gave up; the one to fix opens the
		// quote or bracket.
		{"syntax_unclosed_quote", "intents.yaml:5", `YAML syntax error: the " opened on this line is not closed`},
		{"syntax_unclosed_single", "intents.yaml:6", `YAML syntax error: the ' opened on this line is not closed`},
		{"syntax_unclosed_list", "intents.yaml:4", `YAML syntax error: the [ opened on this line is not closed`},
		{"syntax_unclosed_in_list", "intents.yaml:6", `YAML syntax error: the " opened on this line is not closed`},
		// A quoted text over two lines is YAML; the error is elsewhere.
		{"syntax_multiline_quote", "intents.yaml:8", "YAML syntax error: found character that cannot start any token"},
		{"unknown_anchor", "intents.yaml:4", "unknown anchor 'greeting'"},
		{"second_document", "intents.yaml:5", "a second YAML document"},
		{"file_not_mapping", "intents.yaml:1", "the file must be a mapping, not a list"},
		{"duplicate_key", "intents.yaml:6", `duplicate key "feedback" in an intent (first at line 5)`},

		{"unknown_top_key", "intents.yaml:5", `unknown key "test" at the top level (want messages, intents, tests, canned, brand or collect)`},
		{"unknown_intent_key", "intents.yaml:5", `unknown key "tags" in an intent`},
		{"unknown_lang_title", "intents.yaml:5", `unknown language "de" in title (want ru or en)`},
		{"unknown_lang_examples", "intents.yaml:5", `unknown language "fr" in examples`},
		{"unknown_lang_answer", "intents.yaml:6", `unknown language "es" in answer`},
		{"unknown_lang_buttons", "intents.yaml:7", `unknown language "ua" in buttons`},
		{"wrong_section_test_key", "intents.yaml:5", `unknown key "expect" in an intent (want id, title, description, examples, answer, buttons, feedback, escalate, human, priority, queue, threshold or collect); it belongs in a test, under tests:`},
		{"wrong_section_top_key", "intents.yaml:5", `unknown key "tests" in an intent (want id, title, description, examples, answer, buttons, feedback, escalate, human, priority, queue, threshold or collect); it belongs at the top level of the file`},
		{"wrong_section_message", "intents.yaml:6", `unknown key "greeting" at the top level (want messages, intents, tests, canned, brand or collect); it belongs under messages:, as a shared message`},
		{"unknown_test_key", "intents.yaml:8", `unknown key "note" in a test (want message, expect, lang, answers or fields)`},
		{"unknown_message", "intents.yaml:6", `unknown message "greting" in messages`},
		{"unknown_message_lang", "intents.yaml:8", `unknown language "de" in messages.escalated`},

		{"type_examples_string", "intents.yaml:4", `examples.ru must be a list of strings, not "привет"`},
		{"type_escalate", "intents.yaml:5", `escalate must be true or false, not "maybe"`},
		{"type_human", "intents.yaml:5", `human must be true or false, not "please"`},
		{"human_without_escalate", "intents.yaml:5", `intent "person" has human: true but not escalate: true`},
		{"type_threshold", "intents.yaml:5", `threshold must be a number, not "high"`},
		{"type_feedback", "intents.yaml:5", "feedback must be true or false, not a list"},
		{"type_answer_list", "intents.yaml:5", "answer.ru must be text, not a list"},
		{"type_intents_mapping", "intents.yaml:2", "intents must be a list, not a mapping"},
		{"type_test_item", "intents.yaml:6", `each test must be a mapping, not "привет"`},

		{"missing_id", "intents.yaml:5", "intent has no id"},
		{"malformed_id", "intents.yaml:5", `malformed intent id "Good-Bye"`},
		{"reserved_id", "intents.yaml:5", `intent id "escalate" is reserved`},
		{"reserved_none", "intents.yaml:5", `intent id "none" is reserved`},
		{"duplicate_id", "b.yaml:5", `duplicate intent id "hello" (first at testdata/problems/duplicate_id/a.yaml:2)`},
		{"canned_duplicate", "b.yaml:4", `duplicate canned shortcut "hi" (first at testdata/problems/canned_duplicate/a.yaml:6)`},
		{"canned_shortcut", "intents.yaml:6", `shortcut "Hello There" must be lower-case letters, digits and _`},
		{"canned_no_text", "intents.yaml:6", `canned reply "hi" has no text`},
		{"canned_template", "intents.yaml:8", `text.ru: template:`},

		{"no_examples", "intents.yaml:5", `intent "bye" has no examples`},
		{"empty_examples_list", "intents.yaml:5", "examples.en is empty"},
		{"blank_example", "intents.yaml:6", "empty example in examples.ru"},
		{"punctuation_example", "intents.yaml:6", `example "?!" in examples.ru has no words`},
		{"missing_answer", "intents.yaml:2", `intent "hello" has examples in en but no answer.en`},

		{"template_parse", "intents.yaml:5", "answer.ru: template: hello/answer.ru:1: unclosed action"},
		{"template_unknown_var", "intents.yaml:5", `answer.ru: template: map has no entry for key "surname"`},
		{"message_template", "intents.yaml:7", `messages.escalated.ru: template: map has no entry for key "tiket"`},

		{"example_two_intents", "b.yaml:6",
			`example "где  мой СЧЕТ" is already an example of intent "invoice" (first at testdata/problems/example_two_intents/a.yaml:3)`},
		{"example_twice", "intents.yaml:11",
			`example "Пока!" appears twice in intent "bye" (first at testdata/problems/example_twice/intents.yaml:10)`},

		{"message_two_files", "b.yaml:3",
			`message "escalated" is defined in two files (first at testdata/problems/message_two_files/a.yaml:6)`},

		{"test_empty_message", "intents.yaml:6", "test has an empty message"},
		{"test_unknown_intent", "intents.yaml:7", `test expects unknown intent "bye"`},
		{"test_unknown_lang", "intents.yaml:8", `unknown lang "es" (want ru or en)`},
		{"test_no_expect", "intents.yaml:6", "test has no expect"},
		{"test_answers_no_collect", "intents.yaml:13", `test has answers: but expects "hello", which asks no questions before the handoff (collect:)`},
		{"test_fields_unknown", "intents.yaml:14", `test expects field "address", which "down" does not ask (it asks contract)`},
		{"test_fields_no_answers", "intents.yaml:13", "test has fields: but no answers"},
		{"test_answer_empty", "intents.yaml:13", "an answer is empty"},
		{"test_fields_list", "intents.yaml:14", `fields must be a mapping of question name to the value expected, not a list`},

		{"priority_unknown", "intents.yaml:5", `unknown priority "asap" (want low, normal, high or urgent)`},
		{"threshold_zero", "intents.yaml:5", "threshold 0 is outside (0, 1]"},
		{"threshold_above_one", "intents.yaml:5", "threshold 1.5 is outside (0, 1]"},
		{"queue_malformed", "intents.yaml:5", `malformed queue "Second Line"`},

		{"brand_two_files", "b.yaml:5", `brand is defined in two files (first at testdata/problems/brand_two_files/a.yaml:1)`},
		{"brand_empty", "intents.yaml:1", "brand has no text"},
		{"brand_blank", "intents.yaml:3", "brand.en is empty"},
		{"brand_list", "intents.yaml:2", "brand must be text or a mapping of language to text, not a list"},
		{"brand_lines", "intents.yaml:1", "brand must be one line of text"},
		{"brand_long", "intents.yaml:1", "brand is longer than 80 characters"},
		{"brand_lang", "intents.yaml:2", `unknown language "de" in brand (want ru or en)`},

		{"collect_not_list", "intents.yaml:5", `collect must be a list, not "yes"`},
		{"collect_item", "intents.yaml:6", `each question in collect must be a mapping, not "contract"`},
		{"collect_unknown_key", "intents.yaml:8", `unknown key "regex" in a question of collect (want name, ask, pattern, buttons, optional or remember)`},
		{"collect_no_name", "intents.yaml:6", "question in collect has no name"},
		{"collect_name_malformed", "intents.yaml:6", `malformed question name "contract2": use lower-case letters and "_"`},
		{"collect_name_duplicate", "intents.yaml:8", `duplicate question name "contract" in collect (first at testdata/problems/collect_name_duplicate/intents.yaml:6)`},
		{"collect_no_ask", "intents.yaml:6", `question "contract" has no ask`},
		{"collect_ask_lang", "intents.yaml:7", `question "contract" has no ask.en, and intent "down" has examples in en`},
		{"collect_ask_empty", "intents.yaml:7", "ask.en is empty"},
		{"collect_pattern_bad", "intents.yaml:8", `pattern "(\\d+" does not compile: error parsing regexp: missing closing )`},
		{"collect_pattern_backref", "intents.yaml:8", `pattern "(a)\\1" does not compile: error parsing regexp: invalid escape sequence`},
		{"collect_pattern_long", "intents.yaml:8", "pattern is 201 characters long, more than 200"},
		{"collect_buttons_lang", "intents.yaml:8", `unknown language "de" in buttons (want ru or en)`},
		{"collect_optional_type", "intents.yaml:8", `optional must be true or false, not "maybe"`},
		{"collect_remember_type", "intents.yaml:8", `remember must be true or false, not "sometimes"`},
		{"collect_general_lang", "intents.yaml:7", `question "contract" has no ask.en: the questions every escalation asks need each language`},
		{"collect_general_two_files", "b.yaml:1", `collect is defined in two files (first at testdata/problems/collect_general_two_files/a.yaml:5)`},
		{"collect_too_many", "intents.yaml:16", "collect has 11 questions, more than 10"},
		{"collect_without_escalate", "intents.yaml:5", `intent "down" has collect: but not escalate: true`},

		{"no_intents", "", "no intents found"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			dir := filepath.Join("testdata", "problems", tt.dir)
			s, err := Load(dir)
			if s != nil {
				t.Errorf("Load returned a Set along with the problems")
			}
			var probs Errors
			if !errors.As(err, &probs) {
				t.Fatalf("Load error = %v (%T), want Errors", err, err)
			}
			if len(probs) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(probs), probs)
			}
			wantAt := dir
			if tt.at != "" {
				wantAt = filepath.Join(dir, tt.at)
			}
			if got := probs[0].Pos.String(); got != wantAt {
				t.Errorf("problem at %s, want %s (%s)", got, wantAt, probs[0].Msg)
			}
			if !strings.Contains(probs[0].Msg, tt.want) {
				t.Errorf("message %q does not contain %q", probs[0].Msg, tt.want)
			}
			if want := wantAt + ": " + probs[0].Msg; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}

// TestLoadSeveralProblems checks that every problem of every file is
// reported at once, sorted by file and line.
func TestLoadSeveralProblems(t *testing.T) {
	_, err := Load("testdata/several")
	if err == nil {
		t.Fatal("Load succeeded, want problems")
	}
	want := strings.Join([]string{
		`testdata/several/a.yaml:2: malformed intent id "Reset-Password": use lower-case letters, digits and "_"`,
		`testdata/several/a.yaml:4: empty example in examples.ru`,
		`testdata/several/a.yaml:6: answer.ru: template: map has no entry for key "surname"`,
		`testdata/several/a.yaml:7: unknown priority "asap" (want low, normal, high or urgent)`,
		`testdata/several/a.yaml:8: unknown key "colour" in an intent (want id, title, description, examples, answer, buttons, feedback, escalate, human, priority, queue, threshold or collect)`,
		`testdata/several/a.yaml:9: intent "hello" has examples in en but no answer.en (add one, or set escalate: true)`,
		`testdata/several/a.yaml:12: threshold 2 is outside (0, 1]`,
		`testdata/several/b.yaml:2: messages.escalated.ru: template: escalated.ru:1: unclosed action`,
		`testdata/several/b.yaml:4: duplicate intent id "hello" (first at testdata/several/a.yaml:9)`,
		`testdata/several/b.yaml:5: example "Забыл пароль!" is already an example of intent "Reset-Password" (first at testdata/several/a.yaml:4)`,
		`testdata/several/b.yaml:8: test has an empty message`,
		`testdata/several/b.yaml:9: test expects unknown intent "goodbye" (want an intent id or "escalate")`,
		`testdata/several/b.yaml:10: unknown lang "de" (want ru or en)`,
	}, "\n")
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
}

// TestLoadBrand checks that one text names the brand in every language,
// and that a knowledge base without one has none.
func TestLoadBrand(t *testing.T) {
	dir := t.TempDir()
	intents := "intents:\n  - id: hello\n    examples: {en: [hello]}\n    answer: {en: Hi}\n"
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(intents)
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Brand) != 0 {
		t.Errorf("Brand = %q, want none", s.Brand)
	}
	write("brand: Step & Style\n" + intents)
	if s, err = Load(dir); err != nil {
		t.Fatal(err)
	}
	if want := (Text{LangRU: "Step & Style", LangEN: "Step & Style"}); !reflect.DeepEqual(s.Brand, want) {
		t.Errorf("Brand = %q, want %q", s.Brand, want)
	}
}

// TestLoadCollect checks that the questions of collect: are read in
// order, with their patterns compiled and their buttons per language.
func TestLoadCollect(t *testing.T) {
	s, err := Load("testdata/collect")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	in := s.Intent("no_internet")
	if in == nil {
		t.Fatal("no intent no_internet")
	}
	file := "testdata/collect/intents.yaml"
	want := []Question{
		{Name: "contract", Ask: Text{LangRU: "Номер договора?", LangEN: "Your contract number?"}, Pattern: `^\d{6,8}$`, Pos: Pos{File: file, Line: 8}},
		{Name: "address", Ask: Text{LangRU: "Адрес подключения?", LangEN: "Connection address?"}, Optional: true, Pos: Pos{File: file, Line: 9}},
		{Name: "since", Ask: Text{LangRU: "С какого времени не работает?", LangEN: "Since when?"},
			Buttons: map[string][]string{LangRU: {"Сегодня", "Вчера", "Дольше"}, LangEN: {"Today", "Yesterday", "Longer"}},
			Pos:     Pos{File: file, Line: 10}},
	}
	if len(in.Collect) != len(want) {
		t.Fatalf("%d questions, want %d: %+v", len(in.Collect), len(want), in.Collect)
	}
	for i, w := range want {
		got := in.Collect[i]
		if (got.Re != nil) != (w.Pattern != "") {
			t.Errorf("question %s: compiled pattern %v for pattern %q", got.Name, got.Re, w.Pattern)
		}
		got.Re = nil
		if !reflect.DeepEqual(got, w) {
			t.Errorf("question %d:\n got %+v\nwant %+v", i, got, w)
		}
	}

	matches := []struct {
		q      int
		answer string
		want   bool
	}{
		{0, "1234567", true},
		{0, "12345", false},
		{0, "договор 1234567", false},
		{0, "", false},
		{1, "Ленина 1", true},
		{1, "  ", false},
	}
	for _, tt := range matches {
		if got := in.Collect[tt.q].Match(tt.answer); got != tt.want {
			t.Errorf("%s.Match(%q) = %v, want %v", in.Collect[tt.q].Name, tt.answer, got, tt.want)
		}
	}
}

func TestLoadEmptyDir(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	want := Errors{{Pos: Pos{File: dir}, Msg: "no intents found"}}
	if !reflect.DeepEqual(err, want) {
		t.Errorf("Load(empty dir) error = %#v, want %#v", err, want)
	}
}

// TestLoadIOError checks that a directory that cannot be read is a plain
// error, not a list of problems in files.
func TestLoadIOError(t *testing.T) {
	for _, dir := range []string{"testdata/does-not-exist", "testdata/valid/billing.yml"} {
		s, err := Load(dir)
		if s != nil || err == nil {
			t.Errorf("Load(%s) = %v, %v; want an error", dir, s, err)
			continue
		}
		var probs Errors
		if errors.As(err, &probs) {
			t.Errorf("Load(%s) error is Errors %v, want a plain error", dir, probs)
		}
		if !strings.Contains(err.Error(), dir) {
			t.Errorf("Load(%s) error %q does not name the directory", dir, err)
		}
	}
}

func TestNormalizeExample(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Забыл пароль", "забыл пароль"},
		{"  Где мой  СЧЁТ?! ", "где мой счет"},
		{"«Ёлка»", "елка"},
		{"hello,\tworld...", "hello, world"},
		{"e-mail", "e-mail"}, // punctuation inside is kept
		{"?!", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeExample(tt.in); got != tt.want {
			t.Errorf("NormalizeExample(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load("testdata/valid"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLoadWith checks that given texts replace files and add new ones,
// that problems are reported at the lines of the given text, and that a
// path Load would never read is refused.
func TestLoadWith(t *testing.T) {
	dir := "testdata/valid"
	billing := filepath.Join(dir, "billing.yml")
	extra := filepath.Join(dir, "account", "extra.yaml")
	s, err := LoadWith(dir, map[string][]byte{
		billing: []byte("intents:\n  - id: refund\n    examples:\n      ru: [\"верните деньги\"]\n    escalate: true\n"),
		extra:   []byte("intents:\n  - id: invoice\n    examples: {en: [\"I need an invoice\"]}\n    answer: {en: \"Under Billing.\"}\n"),
	})
	if err != nil {
		t.Fatalf("LoadWith: %v", err)
	}
	want := []string{filepath.Join(dir, "account", "extra.yaml"), filepath.Join(dir, "account", "login.yaml"), billing,
		filepath.Join(dir, "canned.yaml"), filepath.Join(dir, "messages.yaml")}
	if !reflect.DeepEqual(s.Files, want) {
		t.Errorf("Files = %q, want %q", s.Files, want)
	}
	if in := s.Intent("refund"); in == nil || !reflect.DeepEqual(in.Examples[LangRU], []string{"верните деньги"}) {
		t.Errorf("refund = %+v, want the given text's one example", in)
	}
	if in := s.Intent("invoice"); in == nil || in.Pos != (Pos{File: extra, Line: 2}) {
		t.Errorf("invoice = %+v, want it from the new file", in)
	}
	if _, err := os.Stat(extra); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadWith created %s: %v", extra, err)
	}

	_, err = LoadWith(dir, map[string][]byte{
		billing: []byte("intents:\n  - id: refund\n    examples:\n      ru: []\n    escalate: true\n"),
		extra:   []byte("intents:\n  - id: invoice\n    examples: {en: [\"I need an invoice\"]}\n    answer: {en: \"Under Billing.\"}\n"),
	})
	var probs Errors
	if !errors.As(err, &probs) || len(probs) != 1 || probs[0].String() != billing+":4: examples.ru is empty" {
		t.Errorf("LoadWith with an empty list: %v, want %s:4: examples.ru is empty", err, billing)
	}

	for _, path := range []string{"testdata/elsewhere.yaml", filepath.Join(dir, ".drafts", "x.yaml"), filepath.Join(dir, "notes.txt")} {
		if _, err := LoadWith(dir, map[string][]byte{path: []byte("intents: []\n")}); err == nil || errors.As(err, new(Errors)) {
			t.Errorf("LoadWith(%s): %v, want a plain error", path, err)
		}
	}
}
