# Self-assessment claims, evidence files and case files arrive with their issue (#4, #5).
