"""Train: the decision heads fitted on labelled conversations, and measured by holding out each
author group in turn (grouped cross-validation)."""
