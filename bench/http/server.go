// The Go side of bench/http/run.sh: the same two routes as server.snow.
package main

import (
	"encoding/json"
	"net/http"
	"os"
)

type Item struct {
	ID      int      `json:"id"`
	Name    string   `json:"name"`
	Email   string   `json:"email"`
	Active  bool     `json:"active"`
	Score   float64  `json:"score"`
	Age     int      `json:"age"`
	City    string   `json:"city"`
	Country string   `json:"country"`
	Tags    []string `json:"tags"`
	Balance float64  `json:"balance"`
}

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("Hello, World!")) })
	http.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(Item{42, "Ada Lovelace", "ada@example.com", true, 97.5, 36, "London", "UK", []string{"math", "engines"}, 1234.25})
	})
	http.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), nil)
}
