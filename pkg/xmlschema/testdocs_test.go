package xmlschema

// Test documents written for this package (not taken from the corpus).

// typicalRequest has the shape of an OOTS evidence request: the usual
// header slots, an SDG requirement, requester and provider agents, the
// requested evidence type and the natural person it is about. Line numbers
// matter to the tests that edit it: keep the layout.
const typicalRequest = `<?xml version="1.0" encoding="UTF-8"?>
<query:QueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"
    xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"
    xmlns:sdg="http://data.europa.eu/p4s"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="urn:uuid:0b1c3a4e-7d2f-4c5a-9e8b-1f2a3b4c5d6e">
  <rim:Slot name="SpecificationIdentifier">
    <rim:SlotValue xsi:type="rim:StringValueType">
      <rim:Value>oots-edm:v1.0</rim:Value>
    </rim:SlotValue>
  </rim:Slot>
  <rim:Slot name="IssueDateTime">
    <rim:SlotValue xsi:type="rim:DateTimeValueType">
      <rim:Value>2024-03-14T09:26:53Z</rim:Value>
    </rim:SlotValue>
  </rim:Slot>
  <rim:Slot name="Procedure">
    <rim:SlotValue xsi:type="rim:InternationalStringValueType">
      <rim:Value>
        <rim:LocalizedString xml:lang="en" value="Applying for a study grant"/>
      </rim:Value>
    </rim:SlotValue>
  </rim:Slot>
  <rim:Slot name="PossibilityForPreview">
    <rim:SlotValue xsi:type="rim:BooleanValueType">
      <rim:Value>true</rim:Value>
    </rim:SlotValue>
  </rim:Slot>
  <rim:Slot name="ExplicitRequestGiven">
    <rim:SlotValue xsi:type="rim:BooleanValueType">
      <rim:Value>true</rim:Value>
    </rim:SlotValue>
  </rim:Slot>
  <rim:Slot name="Requirements">
    <rim:SlotValue xsi:type="rim:CollectionValueType" collectionType="urn:oasis:names:tc:ebxml-regrep:CollectionType:Set">
      <rim:Element xsi:type="rim:AnyValueType">
        <sdg:Requirement>
          <sdg:Identifier>https://example.org/requirements/completed-secondary-school</sdg:Identifier>
          <sdg:Name lang="EN">Proof of completed secondary school</sdg:Name>
        </sdg:Requirement>
      </rim:Element>
    </rim:SlotValue>
  </rim:Slot>
  <rim:Slot name="EvidenceRequester">
    <rim:SlotValue xsi:type="rim:AnyValueType">
      <sdg:Agent>
        <sdg:Identifier schemeID="urn:cef.eu:names:identifier:EAS:9930">DE730757727</sdg:Identifier>
        <sdg:Name lang="EN">Grant Office of an Example City</sdg:Name>
        <sdg:Address>
          <sdg:FullAddress>Example Street 1, 10115 Example City</sdg:FullAddress>
          <sdg:AdminUnitLevel1>DE</sdg:AdminUnitLevel1>
        </sdg:Address>
        <sdg:Classification>ER</sdg:Classification>
      </sdg:Agent>
    </rim:SlotValue>
  </rim:Slot>
  <rim:Slot name="EvidenceProvider">
    <rim:SlotValue xsi:type="rim:AnyValueType">
      <sdg:Agent>
        <sdg:Identifier schemeID="urn:cef.eu:names:identifier:EAS:0096">DK22222222</sdg:Identifier>
        <sdg:Name lang="EN">School Registry of an Example Region</sdg:Name>
      </sdg:Agent>
    </rim:SlotValue>
  </rim:Slot>
  <query:ResponseOption returnType="LeafClassWithRepositoryItem"/>
  <query:Query queryDefinition="DocumentQuery">
    <rim:Slot name="EvidenceRequest">
      <rim:SlotValue xsi:type="rim:AnyValueType">
        <sdg:DataServiceEvidenceType>
          <sdg:Identifier>urn:uuid:8e46e6a8-4d09-4d3a-9a44-b2b2a7a6f0c1</sdg:Identifier>
          <sdg:EvidenceTypeClassification>https://example.org/evidence/secondary-school-certificate</sdg:EvidenceTypeClassification>
          <sdg:Title lang="EN">Secondary school certificate</sdg:Title>
          <sdg:DistributedAs>
            <sdg:Format>application/pdf</sdg:Format>
          </sdg:DistributedAs>
        </sdg:DataServiceEvidenceType>
      </rim:SlotValue>
    </rim:Slot>
    <rim:Slot name="NaturalPerson">
      <rim:SlotValue xsi:type="rim:AnyValueType">
        <sdg:Person>
          <sdg:LevelOfAssurance>High</sdg:LevelOfAssurance>
          <sdg:Identifier schemeID="eidas">DE/DK/123456789</sdg:Identifier>
          <sdg:FamilyName>Example</sdg:FamilyName>
          <sdg:GivenName>Erika</sdg:GivenName>
          <sdg:DateOfBirth>2001-04-23</sdg:DateOfBirth>
        </sdg:Person>
      </rim:SlotValue>
    </rim:Slot>
  </query:Query>
</query:QueryRequest>
`

// minimalRequest is the smallest valid query request.
const minimalRequest = `<query:QueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" id="r1"><query:ResponseOption/><query:Query queryDefinition="q"/></query:QueryRequest>`
