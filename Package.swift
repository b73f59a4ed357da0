// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Pushcast",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pushcast", targets: ["PushcastCommand"]),
        .library(name: "CDF", targets: ["CDF"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "CDF", dependencies: ["CLibXML2"]),
        .target(name: "Pushcast", dependencies: ["CDF"]),
        .executableTarget(
            name: "PushcastCommand",
            dependencies: [
                "CDF", "Pushcast",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CDFTests", dependencies: ["CDF"], exclude: ["Corpus"]),
        .testTarget(name: "PushcastTests", dependencies: ["Pushcast"]),
        .testTarget(name: "PushcastCommandTests", dependencies: ["PushcastCommand"]),
    ]
)
