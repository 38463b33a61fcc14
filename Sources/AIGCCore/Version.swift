/// The toolkit's version, recorded in manifests and reports.
public enum AIGCVersion {
    public static let string = "0.1.0"
}
