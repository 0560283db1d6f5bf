"""Act: Diagnosis -> what the seller does. The play and its draft, the JSON contract and reports,
the Monday list, a seller's own draft judged, and a draft as an .eml ready to open."""
