package main

import "context"

func cmdDiagram(ctx context.Context, args []string) int {
	return inputError(usageError{"diagram: not built yet"})
}
