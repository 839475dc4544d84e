"""Flask CLI commands: `flask --app web demo load`, `flask --app web users create`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from web.extensions import db
from web.region import region_command


def register(app: Flask) -> None:
    demo = AppGroup("demo", help="Demo data.")
    users = AppGroup("users", help="User accounts.")

    @demo.command("load")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
    @click.option("--seed", default=2026, show_default=True)
    def demo_load(if_empty: bool, seed: int) -> None:
        """Load the demo municipality and the demo logins."""
        from web.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
        from web.models import User

        if db.session.scalar(db.select(db.func.count()).select_from(User)):
            if if_empty:
                click.echo("Database has data; demo not loaded.")
                return
            raise click.ClickException(
                "the database is not empty; demo data goes into an empty one")
        counts = load_demo(seed)
        click.echo("Loaded demo data: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        for email, _, role in DEMO_USERS:
            click.echo(f"  {role:<11} {email}  password: {DEMO_PASSWORD}")

    @users.command("create")
    @click.argument("email")
    @click.option("--role", type=click.Choice(["consultant", "employer", "mentor", "admin"]),
                  required=True)
    @click.option("--name", required=True)
    @click.password_option()
    def users_create(email: str, role: str, name: str, password: str) -> None:
        """Create a user who can log in."""
        from web.models import User

        if db.session.scalar(db.select(User).where(User.email == email.lower())):
            raise click.ClickException(f"{email} exists already")
        user = User(email=email.lower(), name=name, role=role)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        click.echo(f"created {role} {email}")

    demo.add_command(region_command)  # flask --app web demo region
    app.cli.add_command(demo)
    app.cli.add_command(users)
