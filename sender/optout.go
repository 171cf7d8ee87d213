package sender

import (
	"strings"
)

// OptoutKeywords are the whole messages that put their sender on the
// suppression list for marketing (scope marketing): Spanish and English,
// for the agency's contacts. A keyword must be the whole message (spaces,
// punctuation and case aside), so "no pares" or "stop by tomorrow" are not
// opt-outs.
var OptoutKeywords = []string{"stop", "baja", "parar", "unsubscribe", "darme de baja", "dar de baja",
	"no mas", "no mas mensajes", "no quiero mas mensajes", "cancelar suscripcion", "desuscribir"}

// IsOptout reports whether text is one of OptoutKeywords.
func IsOptout(text string) bool {
	t := normalize(text)
	for _, k := range OptoutKeywords {
		if t == k {
			return true
		}
	}
	return false
}

// normalize lowers text, drops accents of Spanish vowels, and keeps words
// separated by single spaces, without punctuation.
func normalize(text string) string {
	r := strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u")
	t := r.Replace(strings.ToLower(text))
	words := strings.FieldsFunc(t, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c == 'ñ' || c >= '0' && c <= '9')
	})
	return strings.Join(words, " ")
}
