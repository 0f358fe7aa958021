"""payments.dr's AWS emulator (moto server + DR extensions), for tests and the local demo."""
