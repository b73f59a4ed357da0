import CDF
import Foundation

/// Feeds one input to the manifest parser the way the server does (strict, then legacy
/// repair), and checks what must hold for any input: the parse returns, an accepted
/// manifest encodes as JSON, and every diagnostic points inside the input.
enum ManifestFuzzing {
    static func check(_ bytes: [UInt8]) {
        let manifest = ManifestParser.parse(bytes, file: "fuzz.cdf")
        if let channel = manifest.channel {
            precondition((try? JSONEncoder().encode(channel)) != nil, "an accepted channel does not encode")
        }
        let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        for diagnostic in manifest.diagnostics {
            precondition(diagnostic.line >= 1 && diagnostic.line <= max(lines, 1) + 1, "a diagnostic points outside the input")
        }
    }
}

#if FUZZING
    /// libFuzzer's entry point (`make fuzz` builds with `-sanitize=fuzzer,address -DFUZZING`).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        ManifestFuzzing.check(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
    ) -> CInt

    /// SwiftPM links an executable's `main` to `<module>_main`: here that is libFuzzer's driver.
    @_cdecl("CDFFuzz_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments, fuzzManifest)
    }
#else
    /// Without the fuzzer: replays the files named on the command line (findings, seeds).
    @main
    enum CDFFuzz {
        static func main() {
            for path in CommandLine.arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    FileHandle.standardError.write(Data("cdf-fuzz: cannot read \(path)\n".utf8))
                    exit(2)
                }
                ManifestFuzzing.check(Array(data))
                print("ok \(path)")
            }
        }
    }
#endif
