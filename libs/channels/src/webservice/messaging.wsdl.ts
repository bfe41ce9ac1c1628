/** Target namespace of the messaging service's elements, faults and WSDL. */
export const MESSAGING_NS = 'urn:gatehouse:messaging:v1';

/** Path of the SOAP endpoint; the WSDL is served at `?wsdl`. */
export const MESSAGING_PATH = '/ws/messaging';

/** The requests the router sends to MESSAGING_PATH (case-insensitive, optional trailing slash). */
export const MESSAGING_PATH_PATTERN = /^\/ws\/messaging\/?$/i;

export const SOAP_OPERATIONS = ['SendMessage', 'GetMessageStatus'] as const;
export type SoapOperation = (typeof SOAP_OPERATIONS)[number];

export const soapActionOf = (operation: SoapOperation): string => `${MESSAGING_NS}/${operation}`;

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The hand-written WSDL (SOAP 1.1, document/literal). Written by hand rather than generated so
 * the contract legacy clients compile against changes only on purpose. `location` is the
 * endpoint address clients will call; it is rendered per request.
 */
export function messagingWsdl(location: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="GatehouseMessaging"
    targetNamespace="${MESSAGING_NS}"
    xmlns:tns="${MESSAGING_NS}"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <wsdl:documentation>Gatehouse messaging (webservice channel). Log in with the username and password elements of a request, or with a WS-Security UsernameToken header (PasswordText), never both. Failures are SOAP Faults; faultstring is "code: message" and detail holds a tns:GatehouseFault.</wsdl:documentation>
  <wsdl:types>
    <xsd:schema targetNamespace="${MESSAGING_NS}" elementFormDefault="qualified">
      <xsd:simpleType name="SubmissionStatus">
        <xsd:restriction base="xsd:string">
          <xsd:enumeration value="accepted"/>
          <xsd:enumeration value="delivered"/>
          <xsd:enumeration value="failed"/>
        </xsd:restriction>
      </xsd:simpleType>
      <xsd:element name="SendMessage">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="username" type="xsd:string" minOccurs="0"/>
            <xsd:element name="password" type="xsd:string" minOccurs="0"/>
            <xsd:element name="to" type="xsd:string" minOccurs="0">
              <xsd:annotation><xsd:documentation>Recipients, comma-separated.</xsd:documentation></xsd:annotation>
            </xsd:element>
            <xsd:element name="body" type="xsd:string"/>
            <xsd:element name="groups" type="xsd:string" minOccurs="0">
              <xsd:annotation><xsd:documentation>Recipient group slugs, comma-separated.</xsd:documentation></xsd:annotation>
            </xsd:element>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="SendMessageResponse">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="submissionId" type="xsd:string"/>
            <xsd:element name="status" type="tns:SubmissionStatus"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="GetMessageStatus">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="username" type="xsd:string" minOccurs="0"/>
            <xsd:element name="password" type="xsd:string" minOccurs="0"/>
            <xsd:element name="submissionId" type="xsd:string"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="GetMessageStatusResponse">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="submissionId" type="xsd:string"/>
            <xsd:element name="status" type="tns:SubmissionStatus"/>
            <xsd:element name="detail" type="xsd:string" minOccurs="0"/>
            <xsd:element name="createdAt" type="xsd:dateTime"/>
            <xsd:element name="updatedAt" type="xsd:dateTime"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="GatehouseFault">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="code" type="xsd:string"/>
            <xsd:element name="message" type="xsd:string"/>
            <xsd:element name="retryAfterSeconds" type="xsd:int" minOccurs="0"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="SendMessageRequest"><wsdl:part name="parameters" element="tns:SendMessage"/></wsdl:message>
  <wsdl:message name="SendMessageResponse"><wsdl:part name="parameters" element="tns:SendMessageResponse"/></wsdl:message>
  <wsdl:message name="GetMessageStatusRequest"><wsdl:part name="parameters" element="tns:GetMessageStatus"/></wsdl:message>
  <wsdl:message name="GetMessageStatusResponse"><wsdl:part name="parameters" element="tns:GetMessageStatusResponse"/></wsdl:message>
  <wsdl:message name="GatehouseFault"><wsdl:part name="fault" element="tns:GatehouseFault"/></wsdl:message>
  <wsdl:portType name="MessagingPortType">
    <wsdl:operation name="SendMessage">
      <wsdl:input message="tns:SendMessageRequest"/>
      <wsdl:output message="tns:SendMessageResponse"/>
      <wsdl:fault name="GatehouseFault" message="tns:GatehouseFault"/>
    </wsdl:operation>
    <wsdl:operation name="GetMessageStatus">
      <wsdl:input message="tns:GetMessageStatusRequest"/>
      <wsdl:output message="tns:GetMessageStatusResponse"/>
      <wsdl:fault name="GatehouseFault" message="tns:GatehouseFault"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="MessagingBinding" type="tns:MessagingPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="SendMessage">
      <soap:operation soapAction="${soapActionOf('SendMessage')}" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
      <wsdl:fault name="GatehouseFault"><soap:fault name="GatehouseFault" use="literal"/></wsdl:fault>
    </wsdl:operation>
    <wsdl:operation name="GetMessageStatus">
      <soap:operation soapAction="${soapActionOf('GetMessageStatus')}" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
      <wsdl:fault name="GatehouseFault"><soap:fault name="GatehouseFault" use="literal"/></wsdl:fault>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="MessagingService">
    <wsdl:port name="MessagingPort" binding="tns:MessagingBinding">
      <soap:address location="${escapeAttribute(location)}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
