package requester

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/oots-tools/oots/pkg/regrep"
)

// TestAnswersAreCheckedOnce: the same EB answer, whether handed back by a
// discovery cache (the same response) or fetched again (new response, same
// bytes), is read once; other bytes are read anew.
func TestAnswersAreCheckedOnce(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "messages", "eb-requirements.xml"))
	if err != nil {
		t.Fatal(err)
	}
	r := New(Config{Validator: testValidator(t)})
	ctx := context.Background()
	first := &regrep.Response{Body: body}
	a, err := r.learn(ctx, "EB", first)
	if err != nil || !a.valid {
		t.Fatalf("learn: %v %+v", err, a)
	}
	if again, _ := r.learn(ctx, "EB", first); again != a {
		t.Error("the same response was read again")
	}
	if refetched, _ := r.learn(ctx, "EB", &regrep.Response{Body: body}); refetched != a {
		t.Error("a response with the same bytes was read again")
	}
	if _, ok := r.answers.recall(first); !ok {
		t.Error("the response is not remembered")
	}
	other := append([]byte(nil), body...)
	other = append(other, '\n')
	if b, _ := r.learn(ctx, "EB", &regrep.Response{Body: other}); b == a {
		t.Error("other bytes were taken for the same answer")
	}
	if asDSD, _ := r.learn(ctx, "DSD", first); asDSD == a {
		t.Error("an answer is tied to the service that gave it")
	}
}
