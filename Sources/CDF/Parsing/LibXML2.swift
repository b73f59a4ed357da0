import CLibXML2

/// The process-wide libxml2 set-up, done once before the first parse: the library
/// initialised, and an external entity loader installed that loads nothing, so no
/// parse can ever open a file or a URL whatever a manifest says.
enum LibXML2 {
    static let ready: Void = {
        xmlInitParser()
        pushcast_installDenyAllEntityLoader()
    }()
}
