package kb

import (
	"testing"

	"github.com/firstline-support/firstline/intents"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"   \t\n ", ""},
		{"Забыл ПАРОЛЬ!!!", "забыл пароль"},
		{"Ёлка, ёж и ЁЖИК", "елка еж и ежик"},
		{"  как   сбросить\tпароль?? ", "как сбросить пароль"},
		{"I don't know", "i don't know"},
		{"I don’t know", "i don't know"},
		{"'quoted' words", "quoted words"},
		{"wi-fi не работает...", "wi fi не работает"},
		{"тариф 100 Мбит/с", "тариф 100 мбит с"},
		{"🙂🙂🙂", ""},
		{"привет 🙂 мир", "привет мир"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		text, fallback, want string
	}{
		{"забыл пароль", intents.LangEN, intents.LangRU},
		{"I forgot my password", intents.LangRU, intents.LangEN},
		{"Ёлка", intents.LangEN, intents.LangRU},
		{"café", intents.LangRU, intents.LangEN},
		{"мой router не работает", intents.LangEN, intents.LangRU}, // more Cyrillic letters
		{"my роутер is broken", intents.LangRU, intents.LangEN},    // more Latin letters
		{"ab вг", intents.LangEN, intents.LangEN},                  // a tie
		{"ab вг", intents.LangRU, intents.LangRU},
		{"", intents.LangRU, intents.LangRU},
		{"12345 !!!", intents.LangEN, intents.LangEN},
		{"🙂🙂", intents.LangRU, intents.LangRU},
	}
	for _, tt := range tests {
		if got := DetectLanguage(tt.text, tt.fallback); got != tt.want {
			t.Errorf("DetectLanguage(%q, %q) = %q, want %q", tt.text, tt.fallback, got, tt.want)
		}
	}
}
