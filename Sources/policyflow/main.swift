print("policyflow")
