// The umbrella module: `import AIGC` gives the whole toolkit's public API.
@_exported import AIGCCore
@_exported import AIGCText
@_exported import AIGCFormats
@_exported import AIGCTokenizer
@_exported import AIGCCorpus
@_exported import AIGCAudit
@_exported import AIGCModel
