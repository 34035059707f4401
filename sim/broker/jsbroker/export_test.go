package jsbroker

// StoreDir is JetStream's store directory, for the tests: a memory
// store's temporary one must be gone after Shutdown.
func StoreDir(b *Broker) string { return b.srv.srv.JetStreamConfig().StoreDir }
