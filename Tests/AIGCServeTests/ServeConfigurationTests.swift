import AIGC
import AIGCServe
import Foundation
import Testing

/// A served model id follows the one rule of model names (`ModelStore.isValid(name:)`), and every configuration
/// error names the property it is about.
@Suite struct ServeConfigurationTests {
    func configuration(id: String) -> ServeConfiguration {
        var c = ServeConfiguration()
        c.models = [.init(id: id, directory: URL(fileURLWithPath: "/nonexistent"))]
        return c
    }

    @Test func servedIdsAreModelNames() throws {
        for good in ["tiny", "aigc-small", "gpt2.v1_b", String(repeating: "a", count: 64)] {
            #expect(ModelStore.isValid(name: good))
            try configuration(id: good).validate()
        }
        for bad in ["", "..", "-lead", "a/b", "a:b", "a b", String(repeating: "a", count: 65)] {
            #expect(!ModelStore.isValid(name: bad))
            #expect(throws: ServeError.self, "\(bad)") { try configuration(id: bad).validate() }
        }
    }

    @Test func errorsNameTheProperty() {
        var c = configuration(id: "tiny")
        c.port = 70000
        #expect {
            try c.validate()
        } throws: { e in
            "\(e)" == "ServeConfiguration.port must be in 0...65535 (got 70000)"
        }
        #expect {
            try ServeConfiguration().validate()
        } throws: { e in
            "\(e)" == "give at least one ServeConfiguration.models"
        }
    }
}
