package resp

import "testing"

// TestSyntaxCoversCommands keeps the hint table in step with the commands.
func TestSyntaxCoversCommands(t *testing.T) {
	for name := range commands {
		if _, ok := syntax[name]; !ok {
			t.Errorf("no syntax for %s", name)
		}
	}
	for name := range syntax {
		if commands[name] == nil {
			t.Errorf("syntax for unknown command %s", name)
		}
	}
}
