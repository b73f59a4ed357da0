import CLibXML2

/// The process-wide libxml2 set-up, done once before the first parse: the library
/// initialised, an external entity loader installed that loads nothing, so no parse can
/// ever open a file or a URL whatever a manifest says, and libxml2's own writes to stderr
/// silenced (every problem reaches the user as a diagnostic).
enum LibXML2 {
    static let ready: Void = {
        xmlInitParser()
        pushcast_installDenyAllEntityLoader()
        pushcast_silenceGenericErrors()
    }()
}
