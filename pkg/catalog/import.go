package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Kinds of imported documents, as ImportStats.Kind and Source.Kind say.
const (
	KindEBQueryResponse  = "eb-query-response"
	KindDSDQueryResponse = "dsd-query-response"
	KindDSDError         = "dsd-error-response"
	KindLCMSubmitEB      = "lcm-submit-eb"
	KindLCMSubmitDSD     = "lcm-submit-dsd"
)

// ImportStats counts what one document holds and what it changed.
type ImportStats struct {
	Source string `json:"source"`
	Kind   string `json:"kind"`
	SHA256 string `json:"sha256"`

	// What the document holds.
	Requirements        int `json:"requirements"`
	ReferenceFrameworks int `json:"referenceFrameworks"`
	EvidenceTypeLists   int `json:"evidenceTypeLists"`
	EvidenceTypes       int `json:"evidenceTypes"`
	DataServices        int `json:"dataServices"`
	AccessServices      int `json:"accessServices"`

	// What it changed: objects new to the catalogue, and objects already
	// there whose content changed.
	Added   int `json:"added"`
	Changed int `json:"changed"`
	// AlreadyImported is true when a document with the same content (same
	// SHA-256) was imported before: nothing is changed.
	AlreadyImported bool `json:"alreadyImported"`
}

// NotCatalogError says a well-formed document carries nothing a catalogue
// keeps (an LCM status response, an EB error response, another document).
type NotCatalogError struct {
	Source string
	Reason string
}

func (e *NotCatalogError) Error() string {
	return fmt.Sprintf("%s: nothing to import: %s", e.Source, e.Reason)
}

// content is what one document holds, before merging.
type content struct {
	kind          string
	requirements  []*Requirement
	evidenceTypes []*EvidenceType
	dataServices  []*DataService
}

func (c content) empty() bool {
	return len(c.requirements) == 0 && len(c.evidenceTypes) == 0 && len(c.dataServices) == 0
}

// ImportXML merges an EB or DSD query response (including a DSD:ERR:0005
// error response, whose extra attributes it keeps) or an LCM
// SubmitObjectsRequest to the EB or the DSD. The document is parsed with the
// hardened parser (no DTDs, size and depth limits). A malformed document is
// an error that names source and line; a document with nothing to import is
// a *NotCatalogError; importing the same content twice changes nothing.
func (c *Catalog) ImportXML(source string, data []byte) (ImportStats, error) {
	return c.importXML(source, data, time.Now().UTC())
}

func (c *Catalog) importXML(source string, data []byte, now time.Time) (ImportStats, error) {
	sum := sha256.Sum256(data)
	st := ImportStats{Source: source, SHA256: hex.EncodeToString(sum[:])}
	doc, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	if err != nil {
		var xe *xmldoc.Error
		if errors.As(err, &xe) && xe.Line > 0 {
			return st, fmt.Errorf("%s:%d:%d: %s", source, xe.Line, xe.Column, xe.Msg)
		}
		return st, fmt.Errorf("%s: %w", source, err)
	}
	found, err := readDocument(source, doc.DocumentElement())
	if err != nil {
		return st, err
	}
	st.Kind = found.kind
	found.count(&st)
	if c.hasSource(st.SHA256) {
		st.AlreadyImported = true
		return st, nil
	}
	st.Added, st.Changed = c.merge(found)
	c.recordSource(Source{Name: source, SHA256: st.SHA256, Kind: found.kind, ImportedAt: now})
	return st, nil
}

func (c content) count(st *ImportStats) {
	st.Requirements = len(c.requirements)
	st.EvidenceTypes = len(c.evidenceTypes)
	st.DataServices = len(c.dataServices)
	for _, r := range c.requirements {
		st.ReferenceFrameworks += len(r.ReferenceFrameworks)
		st.EvidenceTypeLists += len(r.EvidenceTypeLists)
	}
	for _, d := range c.dataServices {
		st.AccessServices += len(d.AccessServices)
	}
}

func (c *Catalog) hasSource(sum string) bool {
	for _, s := range c.Sources {
		if s.SHA256 == sum {
			return true
		}
	}
	return false
}

// recordSource keeps one entry per file name: a file imported again after
// it changed replaces its earlier entry.
func (c *Catalog) recordSource(s Source) {
	for i := range c.Sources {
		if c.Sources[i].Name == s.Name {
			c.Sources[i] = s
			return
		}
	}
	c.Sources = append(c.Sources, s)
}

// readDocument tells the document kind from its root element and reads it.
func readDocument(source string, root *helium.Element) (content, error) {
	var found content
	switch {
	case is(root, nsQuery, "QueryResponse"):
		found = readQueryResponse(root)
	case is(root, nsLCM, "SubmitObjectsRequest"):
		found = readSubmitObjects(root)
	case is(root, nsRS, "RegistryResponse"):
		return found, &NotCatalogError{Source: source, Reason: "an LCM status response (rs:RegistryResponse) carries no catalogue content"}
	default:
		return found, &NotCatalogError{Source: source, Reason: fmt.Sprintf("the root element {%s}%s is neither a RegRep query:QueryResponse nor an lcm:SubmitObjectsRequest", root.URI(), root.LocalName())}
	}
	if found.empty() {
		reason := "the document holds no sdg:Requirement, sdg:EvidenceType or sdg:DataServiceEvidenceType"
		if code := exceptionCode(root); code != "" {
			reason = "the error response " + code + " holds no requirement, evidence type or data service"
		}
		return found, &NotCatalogError{Source: source, Reason: reason}
	}
	return found, nil
}

func exceptionCode(root *helium.Element) string {
	code, _ := xmldoc.Attr(child(root, nsRS, "Exception"), "code")
	return code
}

// readQueryResponse reads EB answers (requirements with reference
// frameworks and evidence type lists), DSD answers (data service evidence
// types) and DSD:ERR:0005 exceptions (a data service evidence type with the
// jurisdiction determination and classification concepts the user must give).
func readQueryResponse(root *helium.Element) content {
	var found content
	for _, e := range descendants(root, nsSDG, "Requirement") {
		r, ets := readRequirement(e)
		found.requirements = append(found.requirements, r)
		found.evidenceTypes = append(found.evidenceTypes, ets...)
	}
	for _, list := range children(root, nsRIM, "RegistryObjectList") {
		for _, e := range descendants(list, nsSDG, "DataServiceEvidenceType") {
			found.dataServices = append(found.dataServices, readDataService(e))
		}
	}
	for _, ex := range children(root, nsRS, "Exception") {
		if d := readDSDException(ex); d != nil {
			found.dataServices = append(found.dataServices, d)
		}
	}
	switch {
	case len(found.requirements) > 0:
		found.kind = KindEBQueryResponse
	case len(children(root, nsRS, "Exception")) > 0:
		found.kind = KindDSDError
	default:
		found.kind = KindDSDQueryResponse
	}
	return found
}

// readDSDException reads the data service evidence type of a DSD error and
// the extra attributes the DSD asks for.
func readDSDException(ex *helium.Element) *DataService {
	e := slotContent(ex, "DataServiceEvidenceType")
	if !is(e, nsSDG, "DataServiceEvidenceType") {
		return nil
	}
	d := readDataService(e)
	if jd := slotContent(ex, "JurisdictionDetermination"); jd != nil {
		d.JurisdictionDetermination = readJurisdictionDetermination(jd)
	}
	for _, cc := range slotElements(ex, "UserRequestedClassificationConcepts") {
		d.ProviderClassifications = mergeConcepts(d.ProviderClassifications, []Concept{readConcept(cc)})
	}
	return d
}

// Association types of the LCM submissions that link registry objects.
const (
	assocContainsEvidence   = "ContainsEvidence"
	assocFulfills           = "FulfillsRequirement"
	assocDerivesFrom        = "DerivesFromReferenceFramework"
	assocServesEvidenceType = "ServesEvidenceType"
)

// lcmObjects are the registry objects of an LCM submission by id.
type lcmObjects struct {
	evidenceTypes map[string]*EvidenceType
	lists         map[string]*EvidenceTypeList
	requirements  map[string]*Requirement
	frameworks    map[string]ReferenceFramework
	providers     map[string]AccessService
	dataServices  map[string]*DataService
	order         []string // registry object ids in document order
	links         []link
}

type link struct{ kind, source, target string }

// readSubmitObjects reads an LCM SubmitObjectsRequest: registry objects
// carrying one SDG element each, linked by association objects.
func readSubmitObjects(root *helium.Element) content {
	objs := collectLCMObjects(root)
	objs.resolveLinks()
	var found content
	for _, id := range objs.order {
		switch {
		case objs.requirements[id] != nil:
			found.requirements = append(found.requirements, objs.requirements[id])
		case objs.evidenceTypes[id] != nil:
			found.evidenceTypes = append(found.evidenceTypes, objs.evidenceTypes[id])
		case objs.dataServices[id] != nil:
			found.dataServices = append(found.dataServices, objs.dataServices[id])
		}
	}
	found.kind = KindLCMSubmitEB
	if len(objs.dataServices) > 0 || len(objs.providers) > 0 {
		found.kind = KindLCMSubmitDSD
	}
	return found
}

func collectLCMObjects(root *helium.Element) *lcmObjects {
	objs := &lcmObjects{
		evidenceTypes: map[string]*EvidenceType{},
		lists:         map[string]*EvidenceTypeList{},
		requirements:  map[string]*Requirement{},
		frameworks:    map[string]ReferenceFramework{},
		providers:     map[string]AccessService{},
		dataServices:  map[string]*DataService{},
	}
	for _, list := range children(root, nsRIM, "RegistryObjectList") {
		for _, ro := range children(list, nsRIM, "RegistryObject") {
			objs.add(ro)
		}
	}
	return objs
}

func (o *lcmObjects) add(ro *helium.Element) {
	id, _ := xmldoc.Attr(ro, "id")
	if kind, ok := xmldoc.Attr(ro, "type"); ok {
		src, _ := xmldoc.Attr(ro, "sourceObject")
		dst, _ := xmldoc.Attr(ro, "targetObject")
		o.links = append(o.links, link{kind: path.Base(strings.ReplaceAll(kind, ":", "/")), source: src, target: dst})
		return
	}
	o.order = append(o.order, id)
	if e := slotContent(ro, "EvidenceType"); e != nil {
		o.evidenceTypes[id] = readEvidenceType(e)
	}
	if e := slotContent(ro, "EvidenceTypeList"); e != nil {
		l, _ := readEvidenceTypeList(e)
		o.lists[id] = &l
	}
	if e := slotContent(ro, "Requirement"); e != nil {
		r, ets := readRequirement(e)
		o.requirements[id] = r
		for _, et := range ets {
			o.evidenceTypes[id+"#"+et.Classification] = et
			o.order = append(o.order, id+"#"+et.Classification)
		}
	}
	if e := slotContent(ro, "ReferenceFramework"); e != nil {
		o.frameworks[id] = readReferenceFramework(e)
	}
	if e := slotContent(ro, "EvidenceProvider"); e != nil {
		o.providers[id] = readAccessService(e)
	}
	if e := slotContent(ro, "DataServiceEvidenceType"); e != nil {
		o.dataServices[id] = readDataService(e)
	}
}

// resolveLinks applies the associations: evidence types into lists, lists
// to the requirements they fulfil, requirements to their reference
// frameworks, providers to the data services they serve.
func (o *lcmObjects) resolveLinks() {
	for _, l := range o.links {
		switch l.kind {
		case assocContainsEvidence:
			if list, et := o.lists[l.source], o.evidenceTypes[l.target]; list != nil && et != nil {
				list.EvidenceTypes = appendUnique(list.EvidenceTypes, et.Classification)
				for _, c := range et.Countries() {
					list.Countries = appendUnique(list.Countries, c)
				}
			}
		case assocDerivesFrom:
			if r, ok := o.requirements[l.source]; ok {
				if rf, ok := o.frameworks[l.target]; ok {
					r.ReferenceFrameworks = mergeFrameworks(r.ReferenceFrameworks, []ReferenceFramework{rf})
				}
			}
		case assocServesEvidenceType:
			if d, ok := o.dataServices[l.target]; ok {
				if a, ok := o.providers[l.source]; ok {
					d.AccessServices = mergeAccessServices(d.AccessServices, []AccessService{a})
				}
			}
		}
	}
	// Lists are placed once they have their evidence types.
	for _, l := range o.links {
		if l.kind != assocFulfills {
			continue
		}
		if list, r := o.lists[l.source], o.requirements[l.target]; list != nil && r != nil {
			r.EvidenceTypeLists = mergeLists(r.EvidenceTypeLists, []EvidenceTypeList{*list})
		}
	}
}

// ImportFS imports every file of fsys matching the glob pattern (in name
// order) and returns the statistics of each.
func (c *Catalog) ImportFS(fsys fs.FS, pattern string) ([]ImportStats, error) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var all []ImportStats
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return all, err
		}
		st, err := c.ImportXML(name, data)
		if err != nil {
			return all, err
		}
		all = append(all, st)
	}
	return all, nil
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
