package render

// labels translates the names of slots, elements and attributes into
// labels in the page language. Names without a translation fall back to
// the English label made from the name itself (humanize).
var labels = map[string]map[string]string{
	"de": {
		"SpecificationIdentifier": "Spezifikationskennung", "IssueDateTime": "Ausstellungszeitpunkt",
		"Procedure": "Verfahren", "PossibilityForPreview": "Vorschau möglich", "ExplicitRequestGiven": "Ausdrückliches Ersuchen",
		"Requirements": "Anforderungen", "Requirement": "Anforderung", "EvidenceRequester": "Nachweisanforderer",
		"EvidenceProvider": "Nachweisanbieter", "ErrorProvider": "Fehlermeldende Stelle", "EvidenceRequest": "Nachweisersuchen",
		"NaturalPerson": "Natürliche Person", "LegalPerson": "Juristische Person", "Person": "Person",
		"Agent": "Stelle", "Identifier": "Kennung", "Name": "Name", "Address": "Anschrift", "FullAddress": "Vollständige Anschrift",
		"PostCode": "Postleitzahl", "PostCityName": "Ort", "Thoroughfare": "Straße", "Classification": "Klassifizierung",
		"FamilyName": "Familienname", "GivenName": "Vorname", "DateOfBirth": "Geburtsdatum", "PlaceOfBirth": "Geburtsort",
		"LevelOfAssurance": "Vertrauensniveau", "Title": "Titel", "Description": "Beschreibung", "Evidence": "Nachweis",
		"PreviewLocation": "Ort der Vorschau", "PreviewMethod": "Vorschaumethode", "PreviewDescription": "Beschreibung der Vorschau",
		"Timestamp": "Zeitstempel", "EvidenceResponseIdentifier": "Kennung der Antwort",
		"code": "Code", "severity": "Schweregrad", "message": "Meldung", "detail": "Einzelheiten", "status": "Status",
		"id": "Kennung", "requestId": "Kennung des Ersuchens",
		"Value": "Wert", "Error": "Fehler", "Yes": "Ja", "No": "Nein",
		"footer": "Von oots aus einer OOTS-Nachricht erstellt. Maßgeblich ist die Nachricht selbst.",
	},
	"fr": {
		"SpecificationIdentifier": "Identifiant de spécification", "IssueDateTime": "Date et heure d'émission",
		"Procedure": "Procédure", "PossibilityForPreview": "Prévisualisation possible", "ExplicitRequestGiven": "Demande explicite",
		"Requirements": "Exigences", "Requirement": "Exigence", "EvidenceRequester": "Demandeur de preuve",
		"EvidenceProvider": "Fournisseur de preuve", "ErrorProvider": "Émetteur de l'erreur", "EvidenceRequest": "Demande de preuve",
		"NaturalPerson": "Personne physique", "LegalPerson": "Personne morale", "Person": "Personne",
		"Agent": "Organisme", "Identifier": "Identifiant", "Name": "Nom", "Address": "Adresse", "FullAddress": "Adresse complète",
		"PostCode": "Code postal", "PostCityName": "Localité", "Thoroughfare": "Voie", "Classification": "Classification",
		"FamilyName": "Nom de famille", "GivenName": "Prénom", "DateOfBirth": "Date de naissance", "PlaceOfBirth": "Lieu de naissance",
		"LevelOfAssurance": "Niveau de garantie", "Title": "Titre", "Description": "Description", "Evidence": "Preuve",
		"PreviewLocation": "Adresse de prévisualisation", "PreviewMethod": "Méthode de prévisualisation", "PreviewDescription": "Description de la prévisualisation",
		"Timestamp": "Horodatage", "EvidenceResponseIdentifier": "Identifiant de la réponse",
		"code": "Code", "severity": "Gravité", "message": "Message", "detail": "Détail", "status": "Statut",
		"id": "Identifiant", "requestId": "Identifiant de la demande",
		"Value": "Valeur", "Error": "Erreur", "Yes": "Oui", "No": "Non",
		"footer": "Page produite par oots à partir d'un message OOTS. Seul le message fait foi.",
	},
	"pt": {
		"SpecificationIdentifier": "Identificador da especificação", "IssueDateTime": "Data e hora de emissão",
		"Procedure": "Procedimento", "PossibilityForPreview": "Pré-visualização possível", "ExplicitRequestGiven": "Pedido explícito",
		"Requirements": "Requisitos", "Requirement": "Requisito", "EvidenceRequester": "Requerente da prova",
		"EvidenceProvider": "Fornecedor da prova", "ErrorProvider": "Emissor do erro", "EvidenceRequest": "Pedido de prova",
		"NaturalPerson": "Pessoa singular", "LegalPerson": "Pessoa coletiva", "Person": "Pessoa",
		"Agent": "Entidade", "Identifier": "Identificador", "Name": "Nome", "Address": "Morada", "FullAddress": "Morada completa",
		"PostCode": "Código postal", "PostCityName": "Localidade", "Thoroughfare": "Arruamento", "Classification": "Classificação",
		"FamilyName": "Apelido", "GivenName": "Nome próprio", "DateOfBirth": "Data de nascimento", "PlaceOfBirth": "Local de nascimento",
		"LevelOfAssurance": "Nível de garantia", "Title": "Título", "Description": "Descrição", "Evidence": "Prova",
		"PreviewLocation": "Endereço de pré-visualização", "PreviewMethod": "Método de pré-visualização", "PreviewDescription": "Descrição da pré-visualização",
		"Timestamp": "Carimbo temporal", "EvidenceResponseIdentifier": "Identificador da resposta",
		"code": "Código", "severity": "Gravidade", "message": "Mensagem", "detail": "Detalhe", "status": "Estado",
		"id": "Identificador", "requestId": "Identificador do pedido",
		"Value": "Valor", "Error": "Erro", "Yes": "Sim", "No": "Não",
		"footer": "Página gerada pelo oots a partir de uma mensagem OOTS. A mensagem é o documento que faz fé.",
	},
}

// englishFixed are the page's own words in English.
var englishFixed = map[string]string{
	"Value": "Value", "Error": "Error", "Yes": "Yes", "No": "No",
	"footer": "Rendered by oots from an OOTS message. The message itself is the authoritative document.",
}

// label gives the label of a name in the page language.
func (r *renderer) label(name string) string {
	if l, ok := labels[r.lang][name]; ok {
		return l
	}
	return humanize(name)
}

// word gives one of the page's own words in the page language.
func (r *renderer) word(key string) string {
	if l, ok := labels[r.lang][key]; ok {
		return l
	}
	return englishFixed[key]
}
