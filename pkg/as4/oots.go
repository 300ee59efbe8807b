package as4

import (
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/google/uuid"
)

// Route says who sends an OOTS message to whom: the two access points (C2,
// C3) and the original sender and final recipient behind them (C1, C4),
// with the EAS scheme of each (the property type attribute).
type Route struct {
	From, To                   string // access point party ids
	OriginalSender, SenderType string
	FinalRecipient, RecipType  string
}

// NewMessageID returns a fresh ebMS message id (an RFC 2822 msg-id form).
func NewMessageID() string { return uuid.NewString() + "@oots.eu" }

// NewRequest is the header of an EDM evidence request sent along r.
func NewRequest(r Route, specificationID string, now time.Time) *UserMessage {
	m := &UserMessage{
		MessageID:      NewMessageID(),
		Timestamp:      now,
		From:           Party{ID: r.From, IDType: PartyIDType, Role: RoleGateway},
		To:             Party{ID: r.To, IDType: PartyIDType, Role: RoleGateway},
		Service:        ServiceQuery,
		ServiceType:    ServiceType,
		Action:         ActionRequest,
		ConversationID: uuid.NewString(),
	}
	m.SetProperty(PropOriginalSender, r.SenderType, r.OriginalSender)
	m.SetProperty(PropFinalRecipient, r.RecipType, r.FinalRecipient)
	m.SetProperty(PropExchangeID, "", uuid.NewString())
	if specificationID != "" {
		m.SetProperty(PropSpecificationID, "", specificationID)
	}
	return m
}

// NewReply is the header answering req: the parties and the original
// sender / final recipient swap, the conversation and exchange stay, and
// RefToMessageId names the request. action is ActionResponse or
// ActionException.
func NewReply(req *UserMessage, action string, now time.Time) *UserMessage {
	m := &UserMessage{
		MessageID:      NewMessageID(),
		RefToMessageID: req.MessageID,
		Timestamp:      now,
		From:           req.To,
		To:             req.From,
		Service:        req.Service,
		ServiceType:    req.ServiceType,
		Action:         action,
		ConversationID: req.ConversationID,
		AgreementRef:   req.AgreementRef,
	}
	for _, p := range req.Properties {
		switch p.Name {
		case PropOriginalSender:
			m.SetProperty(PropFinalRecipient, p.Type, p.Value)
		case PropFinalRecipient:
			m.SetProperty(PropOriginalSender, p.Type, p.Value)
		default:
			m.SetProperty(p.Name, p.Type, p.Value)
		}
	}
	return m
}

// NewReceipt acknowledges msg. A verified signed message is acknowledged
// with the References of its signature (non-repudiation of receipt: the
// sender can prove what was received); an unsigned one with the SHA-256
// digests of its envelope and of every payload as received.
func NewReceipt(msg *Message, now time.Time) SignalMessage {
	r := &Receipt{}
	if msg.signed != nil {
		r.Parts = append(r.Parts, msg.signed.references...)
	} else {
		r.Parts = []PartDigest{{URI: "#envelope", Digest: digest(msg.Envelope)}}
		for _, p := range msg.Payloads {
			r.Parts = append(r.Parts, PartDigest{URI: "cid:" + p.ContentID, Digest: digest(p.Data)})
		}
	}
	return SignalMessage{MessageID: NewMessageID(), RefToMessageID: msg.Header.User.MessageID, Timestamp: now, Receipt: r}
}

// NewErrorSignal reports ebMS errors about the message refToMessageID.
func NewErrorSignal(refToMessageID string, now time.Time, errs ...Error) SignalMessage {
	return SignalMessage{MessageID: NewMessageID(), RefToMessageID: refToMessageID, Timestamp: now, Errors: errs}
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return base64.StdEncoding.EncodeToString(sum[:])
}
