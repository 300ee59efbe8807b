package node

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/oots-tools/oots/pkg/as4"
	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/oots-tools/oots/pkg/simulate/requester"
)

// maxJourneyBody bounds a journey description sent to POST /journeys.
const maxJourneyBody = 1 << 20

// mountRequester serves the requester's access point (answers arrive
// there), POST /journeys (run one user journey) and GET /stats.
func (n *node) mountRequester(ctx context.Context, mux *http.ServeMux) (func(), error) {
	v, err := newValidator(ctx)
	if err != nil {
		return nil, err
	}
	journal, closeJournal, err := n.journal()
	if err != nil {
		return nil, err
	}
	sender := n.as4Client()
	cache := n.discoveryCache()
	r := requester.New(requester.Config{
		EB:        n.regrepClient(n.cfg.EB, cache),
		DSD:       n.regrepClient(n.cfg.DSD, cache),
		Agent:     edm.Agent{Identifier: n.cfg.Party, Scheme: "0204", Names: []edm.Text{{Lang: "EN", Text: n.cfg.Name}}, Classification: "ER"},
		Send:      n.sendRequest(sender),
		Validator: v,
		HTTP:      n.client,
		Timeout:   n.cfg.RequestTimeout,
	})
	mux.Handle("POST /as4", &as4.Server{
		Security: n.security,
		Journal:  journal,
		Deliver: func(ctx context.Context, msg *as4.Message) error {
			message, err := edmPayload(msg)
			if err != nil {
				return err
			}
			var atts []requester.Attachment
			for _, p := range msg.Payloads[1:] {
				atts = append(atts, requester.Attachment{ContentID: p.ContentID, MediaType: p.MediaType, Data: p.Data})
			}
			if err := r.Deliver(ctx, message, atts); err != nil {
				return as4.ErrValueInconsistent.With(msg.Header.User.MessageID, err.Error())
			}
			return nil
		},
	})
	mux.HandleFunc("POST /journeys", func(w http.ResponseWriter, req *http.Request) {
		n.runJourney(w, req, r)
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, r.Stats())
	})
	return closeJournal, nil
}

func (n *node) runJourney(w http.ResponseWriter, req *http.Request, r *requester.Requester) {
	body, err := io.ReadAll(io.LimitReader(req.Body, maxJourneyBody))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var j requester.Journey
	if err := json.Unmarshal(body, &j); err != nil {
		http.Error(w, "journey: "+err.Error(), http.StatusBadRequest)
		return
	}
	res, err := r.Run(req.Context(), j)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	if prefersMinimal(req.Header) {
		// A load generator counts outcomes; it has no use for the steps,
		// messages and evidences of thousands of journeys.
		w.Header().Set("Preference-Applied", "return=minimal")
		writeCompactJSON(w, http.StatusOK, requester.Result{Name: res.Name, Outcome: res.Outcome, Failure: res.Failure, MS: res.MS, Steps: []requester.Step{}})
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// prefersMinimal tells whether the client asked for the outcome only, with
// the HTTP preference "Prefer: return=minimal" (RFC 7240).
func prefersMinimal(h http.Header) bool {
	for _, v := range h.Values("Prefer") {
		for pref := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(pref), "return=minimal") {
				return true
			}
		}
	}
	return false
}

// sendRequest sends an evidence request to the access point of the access
// service the DSD named.
func (n *node) sendRequest(sender *as4.Client) func(ctx context.Context, accessService string, request []byte) error {
	return func(ctx context.Context, accessService string, request []byte) error {
		url, err := n.peerURL(accessService)
		if err != nil {
			return err
		}
		msg := as4.NewRequest(as4.Route{
			From: n.cfg.Party, To: accessService,
			OriginalSender: n.cfg.Party, SenderType: as4.PartyIDType,
			FinalRecipient: accessService, RecipType: as4.PartyIDType,
		}, "oots-edm:v1.0", time.Now())
		_, err = sender.Send(ctx, url, msg, []as4.Payload{{ContentID: edm.NewContentID(0), MediaType: as4.MediaTypeEbRS, Data: request}})
		return err
	}
}

// discoveryCacheSize bounds the EB and DSD answers a requester keeps.
const discoveryCacheSize = 4096

func (n *node) discoveryCache() *regrep.Cache {
	ttl := n.cfg.DiscoveryCache
	switch {
	case ttl < 0:
		return nil
	case ttl == 0:
		ttl = time.Minute
	}
	return regrep.NewCache(ttl, discoveryCacheSize)
}

// regrepClient queries an EB or DSD and verifies every answer's signature
// (a cached answer was verified when it arrived).
func (n *node) regrepClient(base string, cache *regrep.Cache) *regrep.Client {
	return &regrep.Client{
		BaseURL: base,
		Cache:   cache,
		HTTP:    n.client,
		Verify: func(h http.Header, body []byte) error {
			_, err := jades.VerifyCSResponse(h, body, jades.VerifyOptions{Roots: n.roots})
			return err
		},
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		_, _ = fmt.Fprintln(w) // the client sees a truncated body; nothing more to do
	}
}

// writeCompactJSON answers with v on one line, for programs.
func writeCompactJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}
