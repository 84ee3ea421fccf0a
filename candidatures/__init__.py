"""The offer (campaigns, centres, programmes) and applications with their workflow."""
