package node

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/oots-tools/oots/pkg/as4"
	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/simulate/provider"
)

// answerTimeout bounds the work on one request, delays of the dataset included.
const answerTimeout = 5 * time.Minute

// mountProvider serves the provider's access point and preview pages. A
// request is acknowledged with a receipt at once; the answer goes back to
// the requester's access point as a message of its own, as in OOTS.
func (n *node) mountProvider(ctx context.Context, mux *http.ServeMux) (func(), error) {
	ds, err := provider.LoadDataset(n.cfg.Dataset)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", n.cfg.Name, err)
	}
	v, err := newValidator(ctx)
	if err != nil {
		return nil, err
	}
	p, err := provider.New(provider.Config{
		Dataset:        ds,
		Agent:          edm.Agent{Identifier: n.cfg.Party, Scheme: "0204", Names: []edm.Text{{Lang: "EN", Text: n.cfg.Name}}},
		PreviewBaseURL: n.baseURL + "/preview/",
		PreviewTimeout: n.cfg.PreviewTimeout,
		Validator:      v,
	})
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", n.cfg.Name, err)
	}
	journal, closeJournal, err := n.journal()
	if err != nil {
		return nil, err
	}
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	sender := n.as4Client()
	mux.Handle("/preview/", p.PreviewHandler())
	mux.Handle("POST /as4", &as4.Server{
		Security: n.security,
		Journal:  journal,
		Deliver: func(_ context.Context, msg *as4.Message) error {
			request, err := edmPayload(msg)
			if err != nil {
				return err
			}
			go n.answer(work, p, sender, msg.Header.User, request)
			return nil
		},
	})
	return func() { cancel(); closeJournal() }, nil
}

// answer computes the reply to one request and sends it back.
func (n *node) answer(ctx context.Context, p *provider.Provider, sender *as4.Client, req *as4.UserMessage, request []byte) {
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	reply, err := p.Answer(ctx, request)
	if err != nil {
		log.Printf("node %s: answering %s: %v", n.cfg.Name, req.MessageID, err)
		return
	}
	message := reply.Message
	if n.cfg.Faults.InvalidPayload {
		message = bytes.Replace(message, []byte("oots-edm:v1.0"), []byte("oots-edm:v0.9"), 1)
	}
	action := as4.ActionResponse
	if reply.ErrorCode != "" {
		action = as4.ActionException
	}
	payloads := []as4.Payload{{ContentID: edm.NewContentID(0), MediaType: as4.MediaTypeEbRS, Data: message}}
	for _, a := range reply.Attachments {
		payloads = append(payloads, as4.Payload{ContentID: a.ContentID, MediaType: a.MediaType, Data: a.Data})
	}
	url, err := n.peerURL(req.From.ID)
	if err != nil {
		log.Printf("node %s: %v", n.cfg.Name, err)
		return
	}
	out := as4.NewReply(req, action, time.Now())
	if _, err := sender.Send(ctx, url, out, payloads); err != nil && ctx.Err() == nil {
		log.Printf("node %s: sending the answer to %s: %v", n.cfg.Name, req.MessageID, err)
	}
}

// edmPayload is the EDM message of an AS4 message: its first payload,
// which must be a RegRep document.
func edmPayload(msg *as4.Message) ([]byte, error) {
	if len(msg.Payloads) == 0 {
		return nil, as4.ErrValueInconsistent.With(msg.Header.User.MessageID, "the message has no payload")
	}
	first := msg.Payloads[0]
	if first.MediaType != as4.MediaTypeEbRS {
		return nil, as4.ErrValueInconsistent.With(msg.Header.User.MessageID,
			fmt.Sprintf("the first payload is %q, not an EDM message (%s)", first.MediaType, as4.MediaTypeEbRS))
	}
	return first.Data, nil
}
