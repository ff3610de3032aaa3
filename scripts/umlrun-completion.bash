# SPDX-License-Identifier: GPL-2.0
# Bash completion for umlrun: options, their values where they have a
# fixed set, files for paths, then the command's own completion.
_umlrun() {
	local cur prev words cword i
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}
	# After "--" (or the first non-option word) complete the command.
	for ((i = 1; i < cword; i++)); do
		if [[ ${words[i]} == -- ]]; then
			if declare -F _command_offset >/dev/null; then
				_command_offset $((i + 1))
			else
				COMPREPLY=($(compgen -c -- "$cur"))
			fi
			return
		fi
	done
	case $prev in
	-k | --kernel | --module | --init | --log | --result-json | --root | --disk | --junit | --kconfig)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	-C | --cwd | --bind | --tmpfs | --kernel-tree | --coverage)
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	--kernel-version)
		COMPREPLY=($(compgen -W "6.12 6.1" -- "$cur"))
		return
		;;
	--drop-layer)
		COMPREPLY=($(compgen -W "kernel landlock" -- "$cur"))
		return
		;;
	--flavour)
		COMPREPLY=($(compgen -W "debug coverage" -- "$cur"))
		return
		;;
	-m | --mem | --disk-size | --swap)
		COMPREPLY=($(compgen -W "256M 512M 1G 2G" -- "$cur"))
		return
		;;
	--max-procs)
		COMPREPLY=($(compgen -W "max 512 2048 8192" -- "$cur"))
		return
		;;
	-e | --env)
		COMPREPLY=($(compgen -e -- "$cur"))
		return
		;;
	--kconfig-add)
		COMPREPLY=($(compgen -W "CONFIG_" -- "$cur"))
		compopt -o nospace 2>/dev/null
		return
		;;
	--timeout | -p | --publish | --append | --commit)
		return
		;;
	esac
	COMPREPLY=($(compgen -W "--mem --cwd --env --clean-env --no-stdin --tty
		--timeout --time-travel --net --publish --host-loopback --bind --tmpfs --overlay
		--root --disk --disk-size --swap --user
		--allow-modules --drop-layer --max-procs --kernel --kernel-version --kernel-tree
		--commit --kconfig --kconfig-add --flavour --coverage --append
		--panic-is-failure --splat-is-failure --list-kernels --prune-kernels --gdb --module --init
		--verbose --log --result-json --junit --check --print-config --no-config
		--version --help --" -- "$cur"))
}
complete -F _umlrun umlrun
