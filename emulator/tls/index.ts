// Certificates for the management API's SSL routes and the edge's TLS listener.
export { certificateCovers } from "./names";
export { EmulatorCertificates, type ServedCertificate } from "./certificates";
