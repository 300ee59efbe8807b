package convert

import (
	"context"
	"strings"

	"github.com/oots-tools/oots/pkg/edmjson"
	"github.com/oots-tools/oots/pkg/render"
	"github.com/oots-tools/oots/pkg/validate"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// toHTML renders a message (XML, or its JSON form) as a standalone page.
func toHTML(ctx context.Context, name, from string, data []byte, lang string) ([]byte, error) {
	if from == "json" {
		xml, err := edmjson.FromJSON(data)
		if err != nil {
			return nil, positionedError(name, err)
		}
		data = xml
	}
	doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
	if err != nil {
		return nil, positionedError(name, err)
	}
	return render.HTML(doc, pageTitle(validate.Detect(doc)), render.Options{Lang: lang})
}

// pageTitle is the kind's description without its technical part:
// "EDM evidence request (query:QueryRequest)" becomes "Evidence request".
func pageTitle(k validate.Kind) string {
	title := k.Title()
	if title == "" {
		return "OOTS message"
	}
	title, _, _ = strings.Cut(title, " (")
	title = strings.TrimPrefix(title, "EDM ")
	return strings.ToUpper(title[:1]) + title[1:]
}
