package kb

import "testing"

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want int
	}{
		{"парол", "парол", 1, 0},
		{"порол", "парол", 1, 1},      // substitution
		{"парл", "парол", 1, 1},       // deletion
		{"пароль", "парол", 1, 1},     // insertion
		{"паорл", "парол", 1, 1},      // swap of neighbours counts once
		{"pasword", "password", 1, 1}, // Latin works the same way
		{"роутер", "парол", 1, 2},     // capped at max+1
		{"ab", "abcdef", 2, 3},        // lengths too far apart
		{"", "abc", 3, 3},
		{"abc", "", 5, 3},
	}
	// A shared, dirty work space must give the same answers as a fresh one.
	scratch := make([]int, 64)
	for i := range scratch {
		scratch[i] = -7
	}
	for _, tt := range tests {
		if got := editDistance([]rune(tt.a), []rune(tt.b), tt.max, nil); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
		if got := editDistance([]rune(tt.a), []rune(tt.b), tt.max, scratch); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) with scratch = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
	}
}

func TestMaxEdits(t *testing.T) {
	tests := []struct{ n, want int }{
		{0, 0}, {3, 0}, {4, 0}, {5, 1}, {8, 1}, {9, 2}, {20, 2},
	}
	for _, tt := range tests {
		if got := maxEdits(tt.n); got != tt.want {
			t.Errorf("maxEdits(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

func TestLexiconCorrect(t *testing.T) {
	l := newLexicon()
	for _, w := range []string{"password", "reset", "password", "forgot", "passport", "router", "пароль", "сбросить"} {
		l.add(w)
	}
	l.index()
	tests := []struct {
		word, want string // want "" means no correction
	}{
		{"pasword", "password"},
		{"passwrod", "password"},
		{"pasport", "passport"},
		{"passwort", "password"}, // as near to "passport" as "password": the more common wins
		{"ruoter", "router"},
		{"пороль", "пароль"},
		{"сброситть", "сбросить"},
		{"rset", ""},    // too short to correct
		{"weather", ""}, // nothing near
		{"pssswrd", ""}, // too far
	}
	for _, tt := range tests {
		got, _ := l.correct(tt.word)
		if got != tt.want {
			t.Errorf("correct(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}
