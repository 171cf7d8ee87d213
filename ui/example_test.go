package ui_test

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

func Example() {
	dir, _ := os.MkdirTemp("", "waq-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	h := ui.NewServer(st, ui.Options{APIKey: "secret", MaxAttempts: 4}).Handler()

	req := httptest.NewRequest("POST", "/v1/messages", strings.NewReader(`{"to":"+34600111222","text":"Hola","delay":"90s"}`))
	req.Header.Set("Authorization", "Bearer secret")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	fmt.Println(w.Code, w.Header().Get("Content-Type"))

	req = httptest.NewRequest("POST", "/v1/messages", strings.NewReader(`{"to":"600111222","text":"Hola"}`))
	req.Header.Set("Authorization", "Bearer secret")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	fmt.Print(w.Code, " ", w.Body.String())
	// Output:
	// 201 application/json
	// 422 {"error":{"code":"invalid","message":"\"600111222\" is not a valid number of +60 (MY): too short; with no default region, a number without + must start with its country code","field":"to"}}
}
