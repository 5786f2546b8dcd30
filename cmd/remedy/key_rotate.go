package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/remedy-grievance/remedy/internal/seal"
)

// Beside remedy.key during and after a rotation.
const (
	nextKeyFile = KeyFile + ".next" // the new key, until every case key is wrapped under it
	oldKeyFile  = KeyFile + ".old"  // the key before the last rotation, until the operator removes it
)

// keyRotateCommand makes a new KEK and wraps every case key again under it, in batches, while
// servers may keep running (they learn the new key from the database). An interrupted
// rotation resumes when the command is run again.
func keyRotateCommand(ctx context.Context, args []string) error {
	fset := flag.NewFlagSet("key rotate", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fset)
	batch := fset.Int("batch", 500, "case keys wrapped again per transaction")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if os.Getenv("REMEDY_KEY") != "" {
		return errors.New("key rotate works on the key file: unset REMEDY_KEY, put its key in " + KeyFile + " in the data folder (chmod 600), rotate, then set REMEDY_KEY to the new file's content if you keep the key in the environment")
	}
	keyPath := filepath.Join(sf.data, KeyFile)
	nextPath, oldPath := filepath.Join(sf.data, nextKeyFile), filepath.Join(sf.data, oldKeyFile)
	if _, err := os.Stat(keyPath); err != nil {
		return fmt.Errorf("key rotate: %w", err)
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()

	next, pending, err := s.PendingKeyRotation(ctx)
	if err != nil {
		return err
	}
	retired, err := s.RetiredKeys(ctx)
	if err != nil {
		return err
	}
	switch {
	case pending:
		// Interrupted while wrapping: the next key is in the database; make sure it is on disk too.
		defer clear(next)
		fmt.Println("resuming the key rotation begun earlier")
		if err := seal.WriteKeyFile(nextPath, next); err != nil {
			return err
		}
	case len(retired) > 0:
		// Interrupted after the new key file went in place: the old key is remedy.key.old.
		fmt.Println("finishing the key rotation begun earlier")
		old, err := seal.ReadKeyFile(oldPath)
		if err != nil {
			return fmt.Errorf("finishing an interrupted rotation needs the old key: %w", err)
		}
		_, err = s.Keys().AddKEK(old, false)
		clear(old)
		if err != nil {
			return err
		}
		if err := rewrapAll(ctx, s, *batch); err != nil {
			return err
		}
		if err := s.FinishKeyRotation(ctx); err != nil {
			return err
		}
		fmt.Printf("done: every case key is wrapped under key %s; remove %s once your backup holds %s\n", s.Keys().CurrentID(), oldPath, keyPath)
		return nil
	default:
		if _, err := os.Stat(oldPath); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("key rotate: %s is still there from the last rotation; once your backup holds the current %s, remove it and run this again", oldPath, keyPath)
		}
		if next, err = seal.NewKEK(); err != nil {
			return err
		}
		defer clear(next)
		// On disk before anything is wrapped under it.
		if err := seal.WriteKeyFile(nextPath, next); err != nil {
			return err
		}
		id, err := s.BeginKeyRotation(ctx, next)
		if err != nil {
			return err
		}
		fmt.Printf("rotating from key %s to key %s\n", s.Keys().ID(), id)
	}
	if err := rewrapAll(ctx, s, *batch); err != nil {
		return err
	}
	// The old key is kept beside the new one until the operator removes it.
	old, err := seal.ReadKeyFile(keyPath)
	if err != nil {
		return err
	}
	err = seal.WriteKeyFile(oldPath, old)
	clear(old)
	if err != nil {
		return err
	}
	if err := os.Rename(nextPath, keyPath); err != nil {
		return fmt.Errorf("install the new key file: %w", err)
	}
	if err := s.FinishKeyRotation(ctx); err != nil {
		return err
	}
	fmt.Printf("done: every case key is wrapped under key %s, now in %s; the old key is in %s: back up the new key, then remove the old one\n", s.Keys().CurrentID(), keyPath, oldPath)
	return nil
}

func rewrapAll(ctx context.Context, s interface {
	RewrapCaseKeys(context.Context, int) (int, error)
}, batch int) error {
	total := 0
	for {
		n, err := s.RewrapCaseKeys(ctx, batch)
		if err != nil {
			return err
		}
		if n == 0 {
			fmt.Printf("%d case keys wrapped again\n", total)
			return nil
		}
		total += n
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}
