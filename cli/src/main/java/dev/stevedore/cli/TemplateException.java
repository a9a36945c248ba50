package dev.stevedore.cli;

/** A {@code --format} template that does not parse, or fails on a document: said to the user in Go's words. */
final class TemplateException extends IllegalArgumentException {
    TemplateException(String message) {
        super(message);
    }
}
