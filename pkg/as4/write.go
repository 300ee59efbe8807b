package as4

import (
	"bytes"
	"time"
)

// timestampLayout is the ebMS timestamp form the OOTS access points send:
// UTC with milliseconds.
const timestampLayout = "2006-01-02T15:04:05.000Z"

// appendStamp appends t in timestampLayout to b.
func appendStamp(b []byte, t time.Time) []byte { return t.UTC().AppendFormat(b, timestampLayout) }

// writeMessaging writes the eb:Messaging header for one user message
// and/or signals, for an envelope (soap:mustUnderstand set, and the wsu:Id
// a signature refers to when id is not empty) or a standalone document.
func writeMessaging(w *canonWriter, user *UserMessage, signals []SignalMessage, inEnvelope bool, id string) {
	if inEnvelope {
		w.start("eb:Messaging", attribute{"soap:mustUnderstand", "true"}, attribute{"wsu:Id", id})
	} else {
		w.start("eb:Messaging")
	}
	for i := range signals {
		writeSignal(w, &signals[i])
	}
	if user != nil {
		writeUser(w, user)
	}
	w.end()
}

func writeUser(w *canonWriter, m *UserMessage) {
	mpc := m.MPC
	if mpc == "" {
		mpc = DefaultMPC
	}
	w.start("eb:UserMessage", attribute{"mpc", mpc})
	writeMessageInfo(w, m.Timestamp, m.MessageID, m.RefToMessageID)
	w.start("eb:PartyInfo")
	writeParty(w, "eb:From", m.From)
	writeParty(w, "eb:To", m.To)
	w.end()
	w.start("eb:CollaborationInfo")
	w.text("eb:AgreementRef", m.AgreementRef)
	w.text("eb:Service", m.Service, attribute{"type", m.ServiceType})
	w.text("eb:Action", m.Action)
	w.text("eb:ConversationId", m.ConversationID)
	w.end()
	writeProperties(w, "eb:MessageProperties", m.Properties)
	if len(m.Parts) > 0 {
		w.start("eb:PayloadInfo")
		for _, p := range m.Parts {
			w.start("eb:PartInfo", attribute{"href", p.Href})
			writeProperties(w, "eb:PartProperties", p.Properties)
			w.end()
		}
		w.end()
	}
	w.end()
}

func writeMessageInfo(w *canonWriter, ts time.Time, id, ref string) {
	var stampBuf [len(timestampLayout)]byte
	w.start("eb:MessageInfo")
	w.text("eb:Timestamp", string(appendStamp(stampBuf[:0], ts)))
	w.text("eb:MessageId", id)
	w.text("eb:RefToMessageId", ref)
	w.end()
}

func writeParty(w *canonWriter, name string, p Party) {
	w.start(name)
	w.text("eb:PartyId", p.ID, attribute{"type", p.IDType})
	w.text("eb:Role", p.Role)
	w.end()
}

// writeProperties writes the properties, or nothing when there are none.
func writeProperties(w *canonWriter, name string, props []Property) {
	if len(props) == 0 {
		return
	}
	w.start(name)
	for _, p := range props {
		w.text("eb:Property", p.Value, attribute{"name", p.Name}, attribute{"type", p.Type})
	}
	w.end()
}

func writeSignal(w *canonWriter, s *SignalMessage) {
	w.start("eb:SignalMessage")
	writeMessageInfo(w, s.Timestamp, s.MessageID, s.RefToMessageID)
	if s.Receipt != nil {
		writeReceipt(w, s.Receipt)
	}
	for _, e := range s.Errors {
		w.start("eb:Error",
			attribute{"errorCode", e.Code}, attribute{"severity", e.Severity}, attribute{"shortDescription", e.ShortDesc},
			attribute{"category", e.Category}, attribute{"origin", e.Origin}, attribute{"refToMessageInError", e.RefToMessageID})
		w.text("eb:Description", e.Description, attribute{"xml:lang", "en"})
		w.text("eb:ErrorDetail", e.Detail)
		w.end()
	}
	w.end()
}

// writeReceipt writes the non-repudiation information of a receipt: one
// ds:Reference per part received — for a signed message, a copy of each
// Reference of its signature.
func writeReceipt(w *canonWriter, r *Receipt) {
	w.start("eb:Receipt")
	w.start("ebbp:NonRepudiationInformation")
	for _, p := range r.Parts {
		method := p.DigestMethod
		if method == "" {
			method = DigestSHA256
		}
		w.start("ebbp:MessagePartNRInformation")
		writeReference(w, p.URI, p.Transforms, method, p.Digest)
		w.end()
	}
	w.end()
	w.end()
}

// writeReference writes a ds:Reference, of a signature or of a receipt.
func writeReference(w *canonWriter, uri string, transforms []string, method, digest string) {
	w.start("ds:Reference", attribute{"URI", uri})
	if len(transforms) > 0 {
		w.start("ds:Transforms")
		for _, a := range transforms {
			w.start("ds:Transform", attribute{"Algorithm", a})
			w.end()
		}
		w.end()
	}
	w.start("ds:DigestMethod", attribute{"Algorithm", method})
	w.end()
	w.text("ds:DigestValue", digest)
	w.end()
}

// HeaderXML serialises the eb:Messaging header of a user message on its own
// (the form of the OOTS header examples).
func HeaderXML(m *UserMessage) []byte {
	var b bytes.Buffer
	b.Grow(2048)
	b.WriteString(xmlDeclaration)
	var w canonWriter
	w.reset(&b, 0)
	writeMessaging(&w, m, nil, false, "")
	b.WriteByte('\n')
	return b.Bytes()
}

const xmlDeclaration = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// EnvelopeXML is the SOAP 1.2 envelope carrying the eb:Messaging header of a
// user message and/or signal messages; the body stays empty, as AS4 puts
// payloads in MIME parts. It is not signed: Security.Encode signs.
func EnvelopeXML(user *UserMessage, signals ...SignalMessage) []byte {
	env, _, _ := (*Security)(nil).envelope(user, signals, nil) // cannot fail unsigned
	return env
}

// startEnvelope writes the envelope up to its first header block.
func startEnvelope(b *bytes.Buffer) {
	b.WriteString(xmlDeclaration)
	b.WriteString(`<soap:Envelope xmlns:soap="` + NSSOAP12 + `">` + "\n")
	b.WriteString("<soap:Header>\n  ")
}

// finishEnvelope writes the eb:Messaging header block, the body and the
// end of the envelope.
func finishEnvelope(b *bytes.Buffer, messaging, body []byte) {
	b.Write(messaging)
	b.WriteString("\n</soap:Header>\n")
	b.Write(body)
	b.WriteString("\n</soap:Envelope>\n")
}
