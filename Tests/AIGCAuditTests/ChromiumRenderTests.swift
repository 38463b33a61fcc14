import AIGCAudit
import Foundation
import Testing

/// Renders the HTML report in headless Chromium (Debian package `chromium`, installed by Scripts/install-deps.sh)
/// and checks the screenshot is not blank, and that printing to PDF works. Skipped, with the reason shown, only
/// when no Chromium binary exists.
enum Chromium {
    static let path: String? = {
        let env = ProcessInfo.processInfo.environment["AIGC_CHROMIUM"].map { [$0] } ?? []
        for p in env + ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] where FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        return nil
    }()

    /// Runs Chromium headless with `args` + the page URL; returns when it exits (60 s limit).
    static func run(_ args: [String], page: URL, profile: URL) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path!)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                       "--disable-extensions", "--user-data-dir=\(profile.path)"] + args + [page.absoluteString]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning { p.terminate(); return -1 }
        return p.terminationStatus
    }
}

@Suite(.serialized) struct ChromiumRenderTests {
    @Test(.enabled(if: Chromium.path != nil, "chromium is not installed (Debian package `chromium`; run Scripts/install-deps.sh)"))
    func reportRendersAndPrints() throws {
        let dir = try Fixture.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try Auditor(options: try Fixture.plantedOptions()).run()
        let html = dir.appendingPathComponent("report.html")
        try HTMLReport.render(report).write(to: html, atomically: true, encoding: .utf8)
        let blank = dir.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blank, atomically: true, encoding: .utf8)

        func shoot(_ page: URL, _ name: String) throws -> PNGImage {
            let png = dir.appendingPathComponent(name)
            let status = try Chromium.run(["--window-size=1200,1600", "--screenshot=\(png.path)"], page: page,
                                          profile: dir.appendingPathComponent("profile-\(name)"))
            #expect(status == 0)
            let data = try Data(contentsOf: png)
            return try #require(PNGImage(data: data), "screenshot is not an 8-bit RGB(A) PNG")
        }
        let shot = try shoot(html, "report.png")
        #expect(shot.width == 1200 && shot.height == 1600)
        let (ink, colours) = shot.inkStats()
        // A rendered report: header bar, cards, bars; not a blank page.
        #expect(ink > 0.05, "only \(ink * 100)% of pixels differ from the background")
        #expect(colours > 50)
        let (blankInk, _) = try shoot(blank, "blank.png").inkStats()
        #expect(blankInk == 0)

        let pdf = dir.appendingPathComponent("report.pdf")
        let status = try Chromium.run(["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer"], page: html,
                                      profile: dir.appendingPathComponent("profile-pdf"))
        #expect(status == 0)
        let bytes = try Data(contentsOf: pdf)
        #expect(bytes.starts(with: Array("%PDF".utf8)))
        #expect(bytes.count > 10_000)
    }
}
