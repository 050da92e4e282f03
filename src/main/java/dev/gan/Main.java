package dev.gan;

import dev.gan.cli.Gan;

/** Entry point of the {@code gan} command. Everything below returns an exit code; only this line exits. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Gan.run(System.out, System.err, args));
    }
}
