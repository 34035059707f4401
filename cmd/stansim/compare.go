package main

import (
	"github.com/spf13/cobra"

	"github.com/stansim/stansim/batch"
)

func newCompareCmd(a *app) *cobra.Command {
	var asJSON bool
	var html string
	cmd := &cobra.Command{
		Use:   "compare BATCH_A BATCH_B",
		Short: "Compare the key figures of the scenarios two batch folders share",
		Args:  cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			c, err := batch.Compare(args[0], args[1])
			if err != nil {
				a.code = a.exitFor(err, false)
				return nil
			}
			if html != "" {
				if err := batch.WriteCompareHTML(html, c); err != nil {
					a.code = a.exitFor(err, false)
					return nil
				}
			}
			if asJSON {
				err = c.WriteJSON(a.stdout)
			} else {
				err = c.WriteText(a.stdout)
			}
			if err != nil {
				a.code = a.exitFor(err, false)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the comparison as JSON")
	cmd.Flags().StringVar(&html, "html", "", "also write the comparison as an HTML page to this file")
	return cmd
}
