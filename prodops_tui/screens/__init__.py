"""One screen per area of the app; each is a mode of ProdOpsApp."""
