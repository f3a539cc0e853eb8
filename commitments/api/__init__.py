"""The REST API for dashboards: read everything, record history through the services."""
