/**
 * Seals stores' callback signing secrets before they are written to the stores table and opens
 * them for the completion function, so the table never holds them in the clear. The context
 * (the store id) is bound to the ciphertext: a sealed secret copied to another store will not open.
 */
export interface SecretBox {
  seal(plain: string, context: Readonly<Record<string, string>>): Promise<string>;
  open(sealed: string, context: Readonly<Record<string, string>>): Promise<string>;
}
