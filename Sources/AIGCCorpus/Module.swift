// AIGCCorpus: see ARCHITECTURE.md for what this module owns.
import AIGCCore
