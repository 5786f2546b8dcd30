// Package seal is Remedy's cryptography: field encryption, key management,
// receipts, API tokens and password hashing.
//
// Scheme:
//
//   - A 32-byte key-encryption key (KEK) lives outside the database, in
//     REMEDY_KEY or a 0600 key file. Separate subkeys are derived from it with
//     HKDF-SHA256 for wrapping case keys, hashing receipts and hashing tokens,
//     so no use of one key can help an attack on another and the raw KEK is
//     not kept in memory after derivation.
//   - Each case has its own random 32-byte case key. The database stores it
//     only wrapped (XChaCha20-Poly1305) under the KEK's wrapping subkey.
//   - Every sensitive field of a case is sealed with the case key using
//     XChaCha20-Poly1305 and a random 24-byte nonce. The field name is the
//     associated data, so a ciphertext cannot be moved to another field, and
//     plaintext is padded to 32-byte buckets so ciphertext length leaks only a
//     size class.
//   - Receipts (the reporter's only login) and API tokens are stored only as
//     HMAC-SHA256 under derived keys: a stolen database alone does not allow
//     brute-forcing the 53-bit receipt space offline.
//   - Staff passwords use argon2id in PHC string form.
//
// Case keys exist, instead of sealing fields with the KEK directly, so that a
// later version can additionally wrap each case key per user (for example
// under a key derived from a staff member's credentials) by rewrapping 32
// bytes per case, without re-encrypting or migrating any case data.
package seal
