package panel_test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// healthLines reads the flagged intents of the health section as
// "intent lang flags" lines, lang "" for a language it lacks.
func healthLines(t *testing.T, body string) []string {
	t.Helper()
	sec := section(t, body, "health")
	var out []string
	for _, item := range strings.Split(sec, `<li class="health-intent" data-intent="`)[1:] {
		id, _, _ := strings.Cut(item, `"`)
		for _, m := range regexp.MustCompile(`<li class="health-line" data-lang="([a-z]*)" data-flags="([a-z ]*)"`).FindAllStringSubmatch(item, -1) {
			out = append(out, id+" "+m[1]+" "+m[2])
		}
	}
	return out
}

func TestReviewHealth(t *testing.T) {
	h := newHarness(t)
	h.panel.SetHealthWait(time.Minute) // the fixture's check takes a fraction of a second
	body := h.get("root", "/panel/review", http.StatusOK)
	sec := section(t, body, "health")
	// The fixture's seven intents have three or four examples in each
	// language, complaint two: each is too small.
	inOrder(t, sec, "<h2>Knowledge base health</h2>",
		`id="health-summary">46 examples, 4-fold cross-validation: `,
		`id="health-count">Intents that need more or different examples: 7 of 7.`,
		`data-intent="complaint"`, `<b>Complaint</b> <code>complaint</code> <span class="muted where">faq.yaml:59</span>`,
		`data-lang="ru" data-flags="few`, `<span class="tag">ru</span> <span class="expect">examples: 2; questions answered: `,
		`Fewer than 5 examples: add 3–5 more ways a customer would ask this.`,
		`<tr data-intent="complaint" data-lang="en">`, "<td>2</td>")
	if strings.Contains(body, h.dir) {
		t.Error("the page shows the server's path of the intents directory")
	}
	lines := healthLines(t, body)
	for _, want := range []string{"complaint ru few", "complaint en few", "reset_password ru few"} {
		if !strings.Contains(strings.Join(lines, "\n")+"\n", want) {
			t.Errorf("no %q among the flagged:\n%s", want, strings.Join(lines, "\n"))
		}
	}

	// In Russian, for an analyst too.
	w := h.do(request{method: http.MethodGet, path: "/panel/review", user: "nina", header: map[string]string{"Accept-Language": "ru"}})
	if w.Code != http.StatusOK {
		t.Fatalf("analyst: status %d", w.Code)
	}
	inOrder(t, section(t, w.Body.String(), "health"), "<h2>Здоровье базы знаний</h2>",
		"Примеров: 46, перекрёстная проверка на 4 частях: ",
		"Темы, которым нужны ещё или другие примеры: 7 из 7.",
		"примеров: 2; ответ на вопросы: ",
		"Меньше 5 примеров: добавьте ещё 3–5 формулировок")

	// Five examples of a complaint in each language and a reload: the
	// advice is about the knowledge base now in use.
	path := filepath.Join(h.dir, "faq.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), `"у меня претензия к качеству обслуживания"]`,
		`"у меня претензия к качеству обслуживания", "оставить жалобу на мастера", "недоволен обслуживанием, жалуюсь", "претензия к работе монтажника"]`, 1)
	s = strings.Replace(s, `"formal complaint about the service quality"]`,
		`"formal complaint about the service quality", "complain about the technician", "unhappy with the service, complaining", "a grievance about the installer"]`, 1)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := h.reload(); err != nil {
		t.Fatal(err)
	}
	body = h.get("root", "/panel/review", http.StatusOK)
	inOrder(t, section(t, body, "health"), `id="health-summary">52 examples, `,
		`<tr data-intent="complaint" data-lang="en">`, "<td>5</td>")
	for _, l := range healthLines(t, body) {
		if strings.HasPrefix(l, "complaint ") && strings.Contains(l, "few") {
			t.Errorf("after the reload: %s", l)
		}
	}
}
